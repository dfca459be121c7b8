// The post-call survey (admin): questions (rating 1-5, choice, free text)
// in Russian and English. Question ids from the server are kept when saving,
// so answers stay linked to their question.

import { api } from "@shared/api";
import { el, field, replaceChildren, show } from "@shared/dom";
import type { FeatureSettings, QuestionKind, SurveyQuestion, SurveySettings } from "@shared/protocol";
import { ta } from "./messages";
import type { Section } from "./section";
import { busy, button, checkbox, heading, input, selectBox, StatusLine } from "./ui";
import { checkSurvey, moved } from "./validate";

const KINDS: readonly QuestionKind[] = ["rating", "choice", "text"];

function copy(q: SurveyQuestion): SurveyQuestion {
  const out: SurveyQuestion = { kind: q.kind, text: { ...q.text }, options: q.options.map((o) => ({ ...o })), required: q.required };
  if (q.id !== undefined) out.id = q.id;
  return out;
}

export class SurveySection implements Section {
  readonly root: HTMLElement;
  private questions: SurveyQuestion[] = [];
  private readonly list = el("ol", { class: "editor-list", testid: "survey-questions" });
  private readonly empty = el("p", { class: "muted empty", testid: "survey-empty", text: ta("survey.none"), hidden: true });
  private readonly off = el("p", { class: "notice", testid: "survey-off", text: ta("survey.featureOff"), hidden: true });
  private readonly save = button(ta("action.save"), "survey-save", "primary");
  private readonly status = new StatusLine("survey-status");

  constructor() {
    const add = button(ta("survey.add"), "question-add");
    add.addEventListener("click", () => {
      if (this.questions.length >= 20) {
        this.status.error(ta("survey.tooMany", { max: 20 }));
        return;
      }
      this.questions.push({ kind: "rating", text: { ru: "", en: "" }, options: [], required: false });
      this.render(this.questions.length - 1);
    });
    this.save.type = "submit";
    const form = el("form", { class: "card form", attrs: { novalidate: true } }, [
      this.list,
      this.empty,
      el("div", { class: "actions split" }, [add, this.save]),
      this.status.root,
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.root = el("section", { class: "section", testid: "survey-settings" }, [heading(ta("nav.survey"), "survey.help"), this.off, form]);
  }

  async load(): Promise<void> {
    this.status.clear();
    try {
      this.fill(await api<SurveySettings>("GET", "/api/settings/survey"));
      this.root.dataset.loaded = "true";
    } catch (err) {
      this.status.failed(err);
    }
    // Say so when the survey is switched off (the questions are kept).
    api<FeatureSettings>("GET", "/api/settings/features")
      .then((f) => show(this.off, !f.survey))
      .catch(() => show(this.off, false));
  }

  private fill(s: SurveySettings): void {
    this.questions = s.questions.map(copy);
    this.render();
  }

  private render(focus?: number): void {
    replaceChildren(this.list, this.questions.map((q, i) => this.item(q, i)));
    show(this.empty, this.questions.length === 0);
    this.list.dataset.count = String(this.questions.length);
    if (focus !== undefined) this.list.children[focus]?.querySelector<HTMLInputElement>("input")?.focus();
  }

  private item(q: SurveyQuestion, i: number): HTMLLIElement {
    const kind = selectBox("question-kind", ta("survey.kind"), KINDS.map((k) => [k, ta(`survey.kind.${k}`)] as const), q.kind);
    const ru = input("question-text-ru", { maxlength: "500" });
    ru.value = q.text.ru;
    ru.addEventListener("input", () => {
      q.text.ru = ru.value;
    });
    const en = input("question-text-en", { maxlength: "500" });
    en.value = q.text.en;
    en.addEventListener("input", () => {
      q.text.en = en.value;
    });
    const options = el("div", { class: "options", testid: "question-options" });
    const renderOptions = (): void => {
      replaceChildren(
        options,
        [
          el("span", { class: "field-label", text: ta("survey.options") }),
          ...q.options.map((o, j) => {
            const oru = input("option-ru", { maxlength: "200", placeholder: ta("survey.optionRu"), "aria-label": ta("survey.optionRu") });
            oru.value = o.ru;
            oru.addEventListener("input", () => {
              o.ru = oru.value;
            });
            const oen = input("option-en", { maxlength: "200", placeholder: ta("survey.optionEn"), "aria-label": ta("survey.optionEn") });
            oen.value = o.en;
            oen.addEventListener("input", () => {
              o.en = oen.value;
            });
            const rm = button("×", "option-remove", "plain", true);
            rm.setAttribute("aria-label", ta("action.remove"));
            rm.addEventListener("click", () => {
              q.options.splice(j, 1);
              renderOptions();
            });
            return el("div", { class: "option-row", testid: "question-option" }, [oru, oen, rm]);
          }),
          (() => {
            const addOpt = button(ta("survey.addOption"), "option-add", "plain", true);
            addOpt.disabled = q.options.length >= 10;
            addOpt.addEventListener("click", () => {
              q.options.push({ ru: "", en: "" });
              renderOptions();
              options.querySelector<HTMLInputElement>('[data-testid="question-option"]:last-of-type input')?.focus();
            });
            return addOpt;
          })(),
        ],
      );
    };
    renderOptions();
    show(options, q.kind === "choice");
    kind.addEventListener("change", () => {
      q.kind = kind.value as QuestionKind;
      if (q.kind === "choice" && q.options.length === 0) {
        q.options.push({ ru: "", en: "" }, { ru: "", en: "" });
        renderOptions();
      }
      show(options, q.kind === "choice");
    });
    const required = checkbox("question-required", ta("survey.required"));
    required.box.checked = q.required;
    required.box.addEventListener("change", () => {
      q.required = required.box.checked;
    });
    const up = button("↑", "question-up", "plain", true);
    up.setAttribute("aria-label", ta("action.up"));
    up.disabled = i === 0;
    up.addEventListener("click", () => this.move(i, -1));
    const down = button("↓", "question-down", "plain", true);
    down.setAttribute("aria-label", ta("action.down"));
    down.disabled = i === this.questions.length - 1;
    down.addEventListener("click", () => this.move(i, 1));
    const remove = button(ta("action.remove"), "question-remove", "plain", true);
    remove.addEventListener("click", () => {
      this.questions.splice(i, 1);
      this.render();
    });
    const li = el("li", { class: "editor-item", testid: "survey-question" }, [
      field(ta("survey.kind"), kind),
      el("div", { class: "row" }, [field(ta("survey.textRu"), ru), field(ta("survey.textEn"), en)]),
      options,
      el("div", { class: "item-actions" }, [required.root, el("span", { class: "grow" }), up, down, remove]),
    ]);
    if (q.id) li.dataset.questionId = q.id;
    li.dataset.index = String(i);
    return li;
  }

  private move(i: number, delta: number): void {
    this.questions = moved(this.questions, i, delta);
    this.render();
  }

  private submit(): void {
    const questions: SurveyQuestion[] = this.questions.map((q) => {
      const out: SurveyQuestion = {
        kind: q.kind,
        text: { ru: q.text.ru.trim(), en: q.text.en.trim() },
        options: q.kind === "choice" ? q.options.map((o) => ({ ru: o.ru.trim(), en: o.en.trim() })) : [],
        required: q.required,
      };
      if (q.id !== undefined) out.id = q.id;
      return out;
    });
    const problem = checkSurvey(questions);
    if (problem) {
      this.status.error(ta(problem.key, problem.params));
      if (problem.index !== undefined) this.list.children[problem.index]?.querySelector<HTMLInputElement>("input")?.focus();
      return;
    }
    const body: SurveySettings = { questions };
    void busy(
      this.save,
      this.status,
      async () => {
        const saved = await api<SurveySettings | undefined>("PUT", "/api/settings/survey", body);
        this.fill(saved ?? body);
      },
      ta("survey.saved"),
    );
  }
}
