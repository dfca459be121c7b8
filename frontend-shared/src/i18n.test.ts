import { describe, expect, it } from "vitest";
import { interpolate, isMessageKey, pickLang, translate } from "./i18n";
import { en, ru } from "./messages";

describe("pickLang", () => {
  it("picks Russian for ru* browser languages", () => {
    expect(pickLang(["ru-RU", "en-US"], "")).toBe("ru");
    expect(pickLang(["ru"], "")).toBe("ru");
    expect(pickLang(["RU-ru"], "")).toBe("ru");
  });
  it("picks English for anything else", () => {
    expect(pickLang(["en-US"], "")).toBe("en");
    expect(pickLang(["de-DE", "ru-RU"], "")).toBe("en");
    expect(pickLang(["uk-UA"], "")).toBe("en");
    expect(pickLang([], "")).toBe("en");
    expect(pickLang([""], "")).toBe("en");
  });
  it("lets ?lang= override", () => {
    expect(pickLang(["en-US"], "?lang=ru")).toBe("ru");
    expect(pickLang(["ru-RU"], "?lang=en")).toBe("en");
    expect(pickLang(["ru-RU"], "?x=1&lang=EN")).toBe("en");
  });
  it("ignores an unknown ?lang=", () => {
    expect(pickLang(["ru-RU"], "?lang=de")).toBe("ru");
    expect(pickLang(["en"], "?lang=")).toBe("en");
  });
});

describe("interpolate / translate", () => {
  it("fills placeholders", () => {
    expect(interpolate("Try again in {seconds} s.", { seconds: 42 })).toBe("Try again in 42 s.");
    expect(interpolate("{a} and {b}", { a: "x" })).toBe("x and {b}");
  });
  it("translates in both languages", () => {
    expect(translate("en", "client.agent", { name: "Anna" })).toBe("Your agent: Anna");
    expect(translate("ru", "client.agent", { name: "Анна" })).toBe("Ваш оператор: Анна");
  });
  it("does not treat values as markup or placeholders", () => {
    expect(translate("en", "client.agent", { name: "<b>{seconds}</b>" })).toBe("Your agent: <b>{seconds}</b>");
  });
  it("knows its keys", () => {
    expect(isMessageKey("err.invalid_credentials")).toBe(true);
    expect(isMessageKey("err.nope")).toBe(false);
    expect(isMessageKey("toString")).toBe(false);
  });
  it("has every message in both languages, with the same placeholders", () => {
    const keys = Object.keys(en) as (keyof typeof en)[];
    expect(Object.keys(ru).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(ru[k]), k).toEqual(ph(en[k]));
      expect(ru[k].length, k).toBeGreaterThan(0);
    }
  });
});
