import { describe, expect, it } from "vitest";
import type { CustomFieldDef, SurveyQuestion } from "@shared/protocol";
import { checkCustomFields, checkSurvey, isCron5, isFieldKey, isHexColor, isHttpUrl, isLogin, moved, pageInfo, parseDays, splitLines } from "./validate";

const fieldDef = (key: string, extra: Partial<CustomFieldDef> = {}): CustomFieldDef => ({
  key,
  label: { ru: "Поле", en: "Field" },
  kind: "text",
  options: [],
  required: false,
  ...extra,
});

const question = (extra: Partial<SurveyQuestion> = {}): SurveyQuestion => ({
  kind: "rating",
  text: { ru: "Оценка?", en: "Rating?" },
  options: [],
  required: true,
  ...extra,
});

describe("simple checks", () => {
  it("colours, logins, keys, URLs", () => {
    expect(isHexColor("#12abEF")).toBe(true);
    expect(isHexColor("#123")).toBe(false);
    expect(isHexColor("red")).toBe(false);
    expect(isLogin("agent.smith@corp")).toBe(true);
    expect(isLogin("ab")).toBe(false);
    expect(isLogin("has space")).toBe(false);
    expect(isLogin("кириллица")).toBe(false);
    expect(isFieldKey("policy_no2")).toBe(true);
    expect(isFieldKey("2policy")).toBe(false);
    expect(isFieldKey("Policy")).toBe(false);
    expect(isFieldKey("a".repeat(41))).toBe(false);
    expect(isHttpUrl("https://example.com/thanks")).toBe(true);
    expect(isHttpUrl("javascript:alert(1)")).toBe(false);
    expect(isHttpUrl("example.com")).toBe(false);
  });

  it("cron expressions of five fields", () => {
    expect(isCron5("0 3 * * *")).toBe(true);
    expect(isCron5("*/15 0-6 1,15 * mon-fri")).toBe(true);
    expect(isCron5("0 3 * *")).toBe(false);
    expect(isCron5("0 3 * * * *")).toBe(false);
    expect(isCron5("0 3 * * $")).toBe(false);
  });

  it("retention days", () => {
    expect(parseDays("")).toBeNull();
    expect(parseDays(" 30 ")).toBe(30);
    expect(parseDays("0")).toBe("invalid");
    expect(parseDays("36501")).toBe("invalid");
    expect(parseDays("1.5")).toBe("invalid");
    expect(parseDays("-3")).toBe("invalid");
  });

  it("lines, pages, moves", () => {
    expect(splitLines(" a \n\n b\r\nc ")).toEqual(["a", "b", "c"]);
    expect(pageInfo(0, 20, 45)).toEqual({ from: 1, to: 20, prev: false, next: true });
    expect(pageInfo(40, 5, 45)).toEqual({ from: 41, to: 45, prev: true, next: false });
    expect(pageInfo(0, 0, 0)).toEqual({ from: 0, to: 0, prev: false, next: false });
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
  });
});

describe("custom fields", () => {
  it("accepts a good list", () => {
    expect(checkCustomFields([fieldDef("policy"), fieldDef("kind", { kind: "select", options: ["a", "b"] })])).toBeNull();
  });

  it("names the first problem and its row", () => {
    expect(checkCustomFields([fieldDef("ok"), fieldDef("Bad")])).toMatchObject({ key: "fields.badKey", index: 1 });
    expect(checkCustomFields([fieldDef("a"), fieldDef("a")])).toMatchObject({ key: "fields.duplicateKey", index: 1 });
    expect(checkCustomFields([fieldDef("a", { label: { ru: "", en: "A" } })])).toMatchObject({ key: "fields.noLabel" });
    expect(checkCustomFields([fieldDef("a", { kind: "select", options: [] })])).toMatchObject({ key: "fields.badOptions" });
    expect(checkCustomFields([fieldDef("a", { kind: "select", options: ["x", "x"] })])).toMatchObject({ key: "fields.duplicateOption" });
    expect(checkCustomFields(Array.from({ length: 31 }, (_, i) => fieldDef(`f${i}`)))).toMatchObject({ key: "fields.tooMany" });
  });
});

describe("survey", () => {
  it("accepts a good survey", () => {
    expect(checkSurvey([question(), question({ kind: "choice", options: [{ ru: "Да", en: "Yes" }, { ru: "Нет", en: "No" }] })])).toBeNull();
  });

  it("names the first problem", () => {
    expect(checkSurvey([question({ text: { ru: "", en: "x" } })])).toMatchObject({ key: "survey.noText", index: 0 });
    expect(checkSurvey([question(), question({ kind: "choice", options: [{ ru: "Да", en: "Yes" }] })])).toMatchObject({ key: "survey.badOptions", index: 1 });
    expect(checkSurvey([question({ kind: "choice", options: [{ ru: "Да", en: "Yes" }, { ru: "", en: "No" }] })])).toMatchObject({ key: "survey.emptyOption" });
    expect(checkSurvey(Array.from({ length: 21 }, () => question()))).toMatchObject({ key: "survey.tooMany" });
  });
});
