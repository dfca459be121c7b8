import { describe, expect, it } from "vitest";
import type { CustomFieldDef } from "@shared/protocol";
import { changed, checkField, fieldLabel, inputValue, isIsoDate } from "./model";

const def = (kind: CustomFieldDef["kind"], required = false, options: string[] = []): CustomFieldDef => ({
  key: `f_${kind}`,
  label: { ru: "Поле", en: "Field" },
  kind,
  options,
  required,
});

describe("checkField", () => {
  it("treats an empty input as no value, unless required", () => {
    expect(checkField(def("text"), "  ")).toEqual({ ok: true, value: null });
    expect(checkField(def("text", true), "")).toEqual({ ok: false, problem: "required" });
    expect(checkField(def("number", true), " ")).toEqual({ ok: false, problem: "required" });
  });
  it("reads numbers, with a decimal comma too", () => {
    expect(checkField(def("number"), "42")).toEqual({ ok: true, value: 42 });
    expect(checkField(def("number"), "-1,5")).toEqual({ ok: true, value: -1.5 });
    expect(checkField(def("number"), "12abc")).toEqual({ ok: false, problem: "number" });
    expect(checkField(def("number"), "Infinity")).toEqual({ ok: false, problem: "number" });
  });
  it("takes only a listed option", () => {
    const d = def("select", true, ["gold", "silver"]);
    expect(checkField(d, "gold")).toEqual({ ok: true, value: "gold" });
    expect(checkField(d, "bronze")).toEqual({ ok: false, problem: "option" });
  });
  it("takes only real dates", () => {
    expect(checkField(def("date"), "2026-02-28")).toEqual({ ok: true, value: "2026-02-28" });
    expect(checkField(def("date"), "2026-02-30")).toEqual({ ok: false, problem: "date" });
    expect(checkField(def("date"), "28.02.2026")).toEqual({ ok: false, problem: "date" });
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
  });
  it("trims text and limits its length", () => {
    expect(checkField(def("text"), "  order 15 ")).toEqual({ ok: true, value: "order 15" });
    expect(checkField(def("text"), "x".repeat(1001))).toEqual({ ok: false, problem: "too_long" });
  });
});

describe("forms", () => {
  it("shows stored values and tells changes", () => {
    expect(inputValue(3.5)).toBe("3.5");
    expect(inputValue(undefined)).toBe("");
    expect(changed(undefined, null)).toBe(false);
    expect(changed("a", "a")).toBe(false);
    expect(changed(1, 2)).toBe(true);
    expect(changed("a", null)).toBe(true);
  });
  it("labels in the page language", () => {
    expect(fieldLabel(def("text"), "ru")).toBe("Поле");
    expect(fieldLabel({ ...def("text"), label: { ru: "", en: "Field" } }, "ru")).toBe("Field");
    expect(fieldLabel({ ...def("text"), label: { ru: "", en: "" } }, "en")).toBe("f_text");
  });
});
