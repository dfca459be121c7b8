// Turns errors into a message in the page language.

import { ApiError } from "./api";
import { isMessageKey, t } from "./i18n";

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "too_many_attempts") {
      return err.retryAfter !== undefined
        ? t("err.too_many_attempts", { seconds: err.retryAfter })
        : t("err.too_many_attempts_nowait");
    }
    // No JSON body from a proxy in front of a stopped server.
    if (err.code === "http_502" || err.code === "http_503" || err.code === "http_504") return t("err.service_unavailable");
    if (err.code === "validation_failed") return t("err.validation_failed", { message: err.message });
    const key = `err.${err.code}`;
    if (isMessageKey(key)) return t(key);
    return t("err.generic", { message: err.message || err.code });
  }
  return t("err.generic", { message: err instanceof Error ? err.message : String(err) });
}
