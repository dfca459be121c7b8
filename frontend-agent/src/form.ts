// The "new interaction" form -> POST /api/interactions.

import type { CreateInteractionRequest, Interaction } from "@shared/protocol";
import { api } from "@shared/api";
import { el, field, setText, show } from "@shared/dom";
import { errorText } from "@shared/errors";
import { t } from "@shared/i18n";
import { DEFAULT_QUALITY, isMaxQuality, isVideoMode } from "@shared/quality";
import { qualitySelect, videoModeSelect } from "./options";

export function newInteractionForm(onCreated: (i: Interaction) => void): HTMLElement {
  const input = (testid: string, type: string, autocomplete: string): HTMLInputElement =>
    el("input", { testid, attrs: { type, autocomplete, name: testid } });
  const name = input("client-name", "text", "off");
  const phone = input("client-phone", "tel", "off");
  const email = input("client-email", "email", "off");
  const telegram = input("client-telegram", "text", "off");
  telegram.placeholder = "@username";
  const mode = videoModeSelect("two_way");
  const quality = qualitySelect(DEFAULT_QUALITY);
  const submit = el("button", {
    class: "btn btn-primary",
    testid: "create-interaction",
    text: t("new.create"),
    attrs: { type: "submit" },
  });
  const error = el("p", { class: "error", testid: "form-error", attrs: { role: "alert" }, hidden: true });

  const form = el("form", { class: "card new-interaction", attrs: { novalidate: true } }, [
    el("h2", { text: t("new.title") }),
    field(t("new.clientName"), name),
    el("div", { class: "row" }, [field(t("new.phone"), phone), field(t("new.email"), email)]),
    field(t("new.telegram"), telegram),
    el("div", { class: "row" }, [field(t("new.videoMode"), mode), field(t("new.quality"), quality)]),
    error,
    submit,
  ]);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const body: CreateInteractionRequest = { video_mode: isVideoMode(mode.value) ? mode.value : "two_way" };
    if (isMaxQuality(quality.value)) body.max_quality = quality.value;
    const opt = (v: string): string | undefined => v.trim() || undefined;
    const clientName = opt(name.value);
    const clientPhone = opt(phone.value);
    const clientEmail = opt(email.value);
    const clientTelegram = opt(telegram.value);
    if (clientName) body.client_name = clientName;
    if (clientPhone) body.client_phone = clientPhone;
    if (clientEmail) body.client_email = clientEmail;
    if (clientTelegram) body.client_telegram = clientTelegram;

    submit.disabled = true;
    setText(submit, t("new.creating"));
    show(error, false);
    api<Interaction>("POST", "/api/interactions", body)
      .then((created) => onCreated(created))
      .catch((err: unknown) => {
        setText(error, errorText(err));
        show(error, true);
      })
      .finally(() => {
        submit.disabled = false;
        setText(submit, t("new.create"));
      });
  });
  return form;
}
