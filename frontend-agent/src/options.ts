// The video-mode and quality selects (used in the forms and mid-call),
// offering only what the interaction's functions allow (the current value
// stays choosable, so a select never shows something else than the truth).

import type { MaxQuality, VideoMode } from "@shared/protocol";
import { select } from "@shared/dom";
import { t } from "@shared/i18n";
import { QUALITIES, VIDEO_MODES } from "@shared/quality";

const withCurrent = <T extends string>(all: readonly T[], allowed: readonly T[], value: T): T[] =>
  all.filter((v) => v === value || allowed.includes(v));

export function videoModeSelect(value: VideoMode, allowed: readonly VideoMode[] = VIDEO_MODES): HTMLSelectElement {
  return select(
    "video-mode",
    withCurrent(VIDEO_MODES, allowed, value).map((m) => [m, t(m === "two_way" ? "mode.two_way" : "mode.one_way")] as const),
    value,
    t("new.videoMode"),
  );
}

export function qualitySelect(value: MaxQuality, allowed: readonly MaxQuality[] = QUALITIES): HTMLSelectElement {
  return select(
    "quality-select",
    withCurrent(QUALITIES, allowed, value).map((q) => [q, q] as const),
    value,
    t("new.quality"),
  );
}
