import { describe, expect, it } from "vitest";
import type { SurveySettings } from "@shared/protocol";
import { answerOf, localized, missingRequired, questionsOf, submissionOf } from "./model";

const l = (en: string, ru = ""): { en: string; ru: string } => ({ en, ru });

const survey: SurveySettings = {
  questions: [
    { id: "q1", kind: "rating", text: l("How was it?", "Как прошло?"), options: [], required: true },
    { id: "q2", kind: "choice", text: l("Solved?"), options: [l("Yes", "Да"), l("No", "Нет")], required: true },
    { id: "q3", kind: "text", text: l("Anything else?"), options: [], required: false },
    { kind: "text", text: l("No id yet"), options: [], required: true },
    { id: "q5", kind: "choice", text: l("Empty"), options: [], required: true },
  ],
};

describe("survey model", () => {
  it("shows only questions that can be answered", () => {
    expect(questionsOf(survey).map((q) => q.id)).toEqual(["q1", "q2", "q3"]);
    expect(questionsOf(undefined)).toEqual([]);
  });
  it("reads the page's language, else the other", () => {
    expect(localized(l("Yes", "Да"), "ru")).toBe("Да");
    expect(localized(l("Yes", " "), "ru")).toBe("Yes");
    expect(localized(l("", "Да"), "en")).toBe("Да");
  });
  it("checks each kind of answer", () => {
    const [rating, choice, text] = questionsOf(survey);
    if (!rating || !choice || !text) throw new Error("questions");
    expect(answerOf(rating, { rating: 5 })).toEqual({ question_id: "q1", rating: 5 });
    expect(answerOf(rating, { rating: 0 })).toBeNull();
    expect(answerOf(rating, { rating: 6 })).toBeNull();
    expect(answerOf(rating, { rating: 2.5 })).toBeNull();
    expect(answerOf(choice, { choice: 1 })).toEqual({ question_id: "q2", choice: 1 });
    expect(answerOf(choice, { choice: 2 })).toBeNull();
    expect(answerOf(text, { text: "  thanks \n" })).toEqual({ question_id: "q3", text: "thanks" });
    expect(answerOf(text, { text: "   " })).toBeNull();
    expect(answerOf(text, { text: "x".repeat(3000) })?.text).toHaveLength(2000);
    expect(answerOf(text, undefined)).toBeNull();
  });
  it("lists required questions without answers", () => {
    const qs = questionsOf(survey);
    expect(missingRequired(qs, {})).toEqual(["q1", "q2"]);
    expect(missingRequired(qs, { q1: { rating: 4 } })).toEqual(["q2"]);
    expect(missingRequired(qs, { q1: { rating: 4 }, q2: { choice: 0 } })).toEqual([]);
  });
  it("sends what was answered", () => {
    const qs = questionsOf(survey);
    expect(submissionOf(qs, { q1: { rating: 4 }, q2: { choice: 0 }, q3: { text: "" } })).toEqual({
      answers: [
        { question_id: "q1", rating: 4 },
        { question_id: "q2", choice: 0 },
      ],
    });
  });
});
