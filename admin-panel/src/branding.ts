// Branding (admin): company name, logo, colours, consent text, where the
// client goes after the call; a live preview of the client page's header.

import { api } from "@shared/api";
import { el, field, setText, show } from "@shared/dom";
import { humanSize } from "@shared/chat/text";
import { lang } from "@shared/i18n";
import type { BrandingSettings, LogoUploaded } from "@shared/protocol";
import { ta } from "./messages";
import { logoUrl, uploadRaw } from "./rest";
import type { Section } from "./section";
import { busy, button, heading, input, StatusLine, textarea } from "./ui";
import { isHexColor, isHttpUrl } from "./validate";

const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
const LOGO_MAX = 5 * 1024 * 1024;

export class BrandingSection implements Section {
  readonly root: HTMLElement;
  private logoId: string | null = null;
  private readonly company = input("branding-company", { maxlength: "100" });
  private readonly accent = input("accent-color", { type: "color" });
  private readonly background = input("background-color", { type: "color" });
  private readonly consentRu = textarea("consent-ru", 4);
  private readonly consentEn = textarea("consent-en", 4);
  private readonly redirect = input("redirect-url", { type: "url", placeholder: "https://example.com/thanks" });
  private readonly logoInput = el("input", { testid: "logo-input", attrs: { type: "file", accept: LOGO_TYPES.join(",") } });
  private readonly logoImg = el("img", { class: "logo-current", testid: "logo-current", attrs: { alt: "" }, hidden: true });
  private readonly noLogo = el("span", { class: "muted", testid: "logo-none", text: ta("branding.noLogo") });
  private readonly logoRemove = button(ta("branding.removeLogo"), "logo-remove", "plain", true);
  private readonly logoStatus = new StatusLine("logo-status");
  private readonly save = button(ta("action.save"), "branding-save", "primary");
  private readonly status = new StatusLine("branding-status");
  private readonly preview: HTMLElement;
  private readonly previewLogo = el("img", { class: "logo", testid: "preview-logo", attrs: { alt: "" }, hidden: true });
  private readonly previewCompany = el("span", { class: "company", testid: "preview-company" });

  constructor() {
    this.preview = el("div", { class: "brand-preview", testid: "branding-preview", attrs: { "aria-label": ta("branding.preview") } }, [
      el("header", { class: "brand-head" }, [this.previewLogo, this.previewCompany]),
      el("div", { class: "preview-card" }, [
        el("p", { class: "muted", text: ta("branding.previewText") }),
        el("span", { class: "btn preview-button", testid: "preview-button", text: ta("branding.previewJoin") }),
      ]),
    ]);
    for (const node of [this.company, this.accent, this.background]) node.addEventListener("input", () => this.renderPreview());
    this.logoInput.addEventListener("change", () => void this.upload());
    this.logoRemove.addEventListener("click", () => {
      this.setLogo(null);
      this.logoStatus.ok(ta("branding.logoRemovedOnSave"));
    });
    this.save.type = "submit";
    const form = el("form", { class: "card form", attrs: { novalidate: true } }, [
      field(ta("branding.company"), this.company),
      el("div", { class: "field" }, [
        el("span", { class: "field-label", text: ta("branding.logo") }),
        el("div", { class: "logo-row" }, [this.logoImg, this.noLogo, this.logoRemove]),
        this.logoInput,
        el("span", { class: "muted small", text: ta("branding.logoHelp") }),
        this.logoStatus.root,
      ]),
      el("div", { class: "row" }, [field(ta("branding.accent"), this.accent), field(ta("branding.background"), this.background)]),
      field(ta("branding.consentRu"), this.consentRu),
      field(ta("branding.consentEn"), this.consentEn),
      field(ta("branding.redirect"), this.redirect),
      this.status.root,
      el("div", { class: "actions" }, [this.save]),
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.root = el("section", { class: "section", testid: "branding" }, [
      heading(ta("nav.branding"), "branding.help"),
      el("div", { class: "two-col" }, [form, el("aside", { class: "card" }, [el("h2", { text: ta("branding.preview") }), this.preview])]),
    ]);
  }

  async load(): Promise<void> {
    this.status.clear();
    this.logoStatus.clear();
    try {
      this.fill(await api<BrandingSettings>("GET", "/api/settings/branding"));
      this.root.dataset.loaded = "true";
    } catch (err) {
      this.status.failed(err);
    }
  }

  private fill(b: BrandingSettings): void {
    this.company.value = b.company_name;
    this.accent.value = isHexColor(b.accent_color) ? b.accent_color.toLowerCase() : "#2563eb";
    this.background.value = isHexColor(b.background_color) ? b.background_color.toLowerCase() : "#f4f5f7";
    this.consentRu.value = b.consent_text.ru;
    this.consentEn.value = b.consent_text.en;
    this.redirect.value = b.redirect_url ?? "";
    this.setLogo(b.logo_file_id);
    this.renderPreview();
  }

  private setLogo(id: string | null): void {
    this.logoId = id;
    for (const img of [this.logoImg, this.previewLogo]) {
      if (id) img.src = logoUrl(id);
      else img.removeAttribute("src");
      show(img, id !== null);
    }
    this.logoImg.dataset.fileId = id ?? "";
    show(this.noLogo, id === null);
    show(this.logoRemove, id !== null);
  }

  private renderPreview(): void {
    setText(this.previewCompany, this.company.value.trim() || ta("branding.companyPlaceholder"));
    this.preview.style.setProperty("--accent", this.accent.value);
    this.preview.style.setProperty("--preview-bg", this.background.value);
  }

  private async upload(): Promise<void> {
    const file = this.logoInput.files?.[0];
    if (!file) return;
    this.logoStatus.clear();
    if (!LOGO_TYPES.includes(file.type)) {
      this.logoStatus.error(ta("branding.logoType"));
      this.logoInput.value = "";
      return;
    }
    if (file.size > LOGO_MAX) {
      this.logoStatus.error(ta("branding.logoSize", { size: humanSize(file.size, lang()), max: humanSize(LOGO_MAX, lang()) }));
      this.logoInput.value = "";
      return;
    }
    this.logoInput.disabled = true;
    this.logoStatus.progress(ta("branding.uploading"));
    this.logoInput.dataset.uploading = "true";
    try {
      const up = await uploadRaw<LogoUploaded>("/api/settings/branding/logo", file, file.type);
      this.setLogo(up.logo_file_id);
      if (up.url) {
        this.logoImg.src = up.url;
        this.previewLogo.src = up.url;
      }
      this.logoStatus.ok(ta("branding.logoUploaded", { width: up.width, height: up.height }));
    } catch (err) {
      this.logoStatus.failed(err);
    } finally {
      this.logoInput.disabled = false;
      this.logoInput.value = "";
      delete this.logoInput.dataset.uploading;
    }
  }

  private submit(): void {
    const name = this.company.value.trim();
    const redirect = this.redirect.value.trim();
    const bad = (control: HTMLElement, message: string): void => {
      this.status.error(message);
      control.focus();
    };
    if (!name || name.length > 100) return bad(this.company, ta("branding.badCompany"));
    if (!isHexColor(this.accent.value) || !isHexColor(this.background.value)) return bad(this.accent, ta("branding.badColor"));
    if (!this.consentRu.value.trim() || !this.consentEn.value.trim()) {
      return bad(this.consentRu.value.trim() ? this.consentEn : this.consentRu, ta("branding.badConsent"));
    }
    if (redirect && !isHttpUrl(redirect)) return bad(this.redirect, ta("branding.badRedirect"));
    const body: BrandingSettings = {
      company_name: name,
      logo_file_id: this.logoId,
      accent_color: this.accent.value,
      background_color: this.background.value,
      consent_text: { ru: this.consentRu.value.trim(), en: this.consentEn.value.trim() },
      redirect_url: redirect || null,
    };
    void busy(
      this.save,
      this.status,
      async () => {
        const saved = await api<BrandingSettings | undefined>("PUT", "/api/settings/branding", body);
        this.fill(saved ?? body);
      },
      ta("branding.saved"),
    );
  }
}
