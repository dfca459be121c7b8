// The landing: branding, agent, consent, self-preview and "join". With
// `rejoin` (a reload after consent) it skips consent and goes on as soon as
// the camera and microphone are open.

import type { JoinInfo } from "@shared/protocol";
import { ApiError } from "@shared/api";
import { el, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { lang, t } from "@shared/i18n";
import { LocalMedia, MediaError } from "@shared/media";
import { brandHeader } from "./screens";
import { joinWithConsent } from "./session";
import type { JoinedRecord } from "./store";

export interface LandingOptions {
  info: JoinInfo;
  linkToken: string;
  /** Already consented (reload): no consent step, join when media is ready. */
  rejoin: JoinedRecord | null;
  onJoined: (record: JoinedRecord, local: LocalMedia, joinTapAt: number | undefined) => void;
  /** The link stopped working (410) or vanished (404) meanwhile. */
  onGone: (status: number) => void;
}

export function landing(opts: LandingOptions): HTMLElement {
  const { info } = opts;
  let local: LocalMedia | null = null;
  let opening = false;
  let done = false;

  const preview = el("video", {
    class: "preview mirrored",
    testid: "local-video",
    attrs: { autoplay: true, playsinline: true, muted: true, "aria-label": t("call.localVideo") },
  });
  preview.muted = true;
  preview.autoplay = true;
  preview.playsInline = true;

  const mediaText = el("p", { class: "error-title" });
  const mediaHelp = el("p", { class: "muted" });
  const retry = el("button", { class: "btn", testid: "retry-media", text: t("common.retry"), attrs: { type: "button" } });
  const audioOnly = el("button", { class: "btn", testid: "audio-only", text: t("client.audioOnly"), attrs: { type: "button" } });
  const mediaBox = el("div", { class: "card media-error", attrs: { role: "alert" }, hidden: true }, [
    mediaText,
    mediaHelp,
    el("div", { class: "button-row" }, [retry, audioOnly]),
  ]);

  const consent = el("input", { testid: "consent", attrs: { type: "checkbox", id: "consent", name: "consent" } });
  const join = el("button", {
    class: "btn btn-primary btn-wide",
    testid: "join",
    text: t(opts.rejoin ? "client.joining" : "client.join"),
    attrs: { type: "button", disabled: true },
  });
  const error = el("p", { class: "error", testid: "join-error", attrs: { role: "alert" }, hidden: true });

  const consentText = lang() === "ru" ? info.consent_text.ru : info.consent_text.en;
  const consentBox = el("section", { class: "consent", attrs: { "aria-labelledby": "consent-title" } }, [
    el("h2", { text: t("client.consentTitle"), attrs: { id: "consent-title" } }),
    el("div", { class: "consent-text", testid: "consent-text", text: consentText, attrs: { tabindex: "0" } }),
    // Said before consent; during the call the "● REC" badge says it again.
    info.features.record
      ? el("p", { class: "recording-notice", testid: "recording-notice", text: t("client.recordingNotice"), attrs: { role: "note" } })
      : null,
    el("label", { class: "check", attrs: { for: "consent" } }, [consent, el("span", { text: t("client.consentCheckbox") })]),
  ]);
  consentBox.hidden = opts.rejoin !== null;

  const updateJoin = (): void => {
    join.disabled = done || !local || (!opts.rejoin && !consent.checked);
  };

  const openMedia = async (video: boolean): Promise<void> => {
    if (opening) return;
    opening = true;
    show(mediaBox, false);
    try {
      local?.stop();
      local = await LocalMedia.open({ audio: true, video, quality: info.features.max_quality });
      preview.srcObject = local.stream;
      preview.classList.toggle("mirrored", local.frontFacing);
      preview.classList.toggle("off", !local.videoTrack);
      preview.play().catch(() => undefined);
      if (opts.rejoin && !done) {
        done = true;
        opts.onJoined(opts.rejoin, local, undefined);
      }
    } catch (err) {
      local = null;
      const kind = err instanceof MediaError ? err.kind : "failed";
      mediaBox.dataset.testid = kind === "denied" ? "camera-denied" : "media-error";
      setText(mediaText, kind === "denied" ? t("media.denied") : kind === "not-found" ? t("media.notFound") : t("media.failed", { message: err instanceof Error ? err.message : String(err) }));
      setText(mediaHelp, kind === "denied" ? t("media.deniedHelp") : "");
      show(audioOnly, video);
      show(mediaBox, true);
    } finally {
      opening = false;
      updateJoin();
    }
  };

  retry.addEventListener("click", () => void openMedia(true));
  audioOnly.addEventListener("click", () => void openMedia(false));
  consent.addEventListener("change", updateJoin);
  join.addEventListener("click", () => {
    if (join.disabled || !local) return;
    const tapAt = Date.now();
    const media = local;
    join.disabled = true;
    done = true;
    setText(join, t("client.joining"));
    show(error, false);
    joinWithConsent(opts.linkToken)
      .then((record) => opts.onJoined(record, media, tapAt))
      .catch((err: unknown) => {
        if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
          media.stop();
          opts.onGone(err.status);
          return;
        }
        done = false;
        setText(error, errorText(err));
        show(error, true);
        setText(join, t("client.join"));
        updateJoin();
      });
  });

  void openMedia(true);

  return el("div", { class: "screen landing" }, [
    brandHeader(info.branding),
    el("section", { class: "card landing-card" }, [
      el("p", { class: "agent", testid: "agent-name", text: t("client.agent", { name: info.agent_name }) }),
      el("div", { class: "preview-box" }, [preview]),
      mediaBox,
      consentBox,
      error,
      join,
    ]),
  ]);
}
