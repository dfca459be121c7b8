// The video-mode and quality selects (used in the form and mid-call).

import type { MaxQuality, VideoMode } from "@shared/protocol";
import { select } from "@shared/dom";
import { t } from "@shared/i18n";
import { QUALITIES, VIDEO_MODES } from "@shared/quality";

export function videoModeSelect(value: VideoMode): HTMLSelectElement {
  return select(
    "video-mode",
    VIDEO_MODES.map((m) => [m, t(m === "two_way" ? "mode.two_way" : "mode.one_way")] as const),
    value,
    t("new.videoMode"),
  );
}

export function qualitySelect(value: MaxQuality): HTMLSelectElement {
  return select(
    "quality-select",
    QUALITIES.map((q) => [q, q] as const),
    value,
    t("new.quality"),
  );
}
