// Language choice and message lookup. The language comes from
// `navigator.language` (ru* -> Russian, anything else -> English) unless the
// page URL says `?lang=en` or `?lang=ru`.

import { en, ru, type MessageKey } from "./messages";

export type Lang = "ru" | "en";
export type { MessageKey };

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ru };

let current: Lang = "en";

/** Picks the language: `?lang=` wins, then the browser's languages. Pure. */
export function pickLang(browserLanguages: readonly string[], search: string): Lang {
  const override = new URLSearchParams(search).get("lang")?.trim().toLowerCase();
  if (override === "ru" || override === "en") return override;
  const first = browserLanguages.find((l) => l.trim() !== "");
  return first?.trim().toLowerCase().startsWith("ru") ? "ru" : "en";
}

/** Fills `{name}` placeholders; unknown placeholders are left as they are. Pure. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The message in a given language. Pure. */
export function translate(lang: Lang, key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return interpolate(dictionaries[lang][key], params);
}

/** Chooses the page language from the browser and URL and sets `<html lang>`. */
export function initLang(): Lang {
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  setLang(pickLang(langs, location.search));
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current;
}

/** The message in the page language. */
export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return translate(current, key, params);
}

/** Whether a string is a known message key (for error codes from the server). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}
