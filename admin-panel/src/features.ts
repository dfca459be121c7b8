// Features (admin): which call functions new interactions offer, and the
// highest video quality. A function that is off is absent from the pages.

import { api } from "@shared/api";
import { el, field } from "@shared/dom";
import type { FeatureSettings, MaxQuality } from "@shared/protocol";
import { ta, type AdminKey } from "./messages";
import type { Section } from "./section";
import { busy, button, checkbox, heading, selectBox, StatusLine } from "./ui";

type Flag = Exclude<keyof FeatureSettings, "max_quality">;

/** The switches, in the order shown, with their labels. */
export const FLAGS: readonly (readonly [Flag, AdminKey])[] = [
  ["two_way_video", "feature.two_way_video"],
  ["one_way_video", "feature.one_way_video"],
  ["screen_share", "feature.screen_share"],
  ["chat", "feature.chat"],
  ["files", "feature.files"],
  ["pointer", "feature.pointer"],
  ["screenshots", "feature.screenshots"],
  ["hd_photo", "feature.hd_photo"],
  ["geolocation", "feature.geolocation"],
  ["auto_geolocation", "feature.auto_geolocation"],
  ["recording", "feature.recording"],
  ["survey", "feature.survey"],
];

const QUALITIES: readonly MaxQuality[] = ["480p", "720p", "1080p", "2160p"];

export class FeaturesSection implements Section {
  readonly root: HTMLElement;
  private readonly boxes = new Map<Flag, HTMLInputElement>();
  private readonly quality = selectBox("max-quality", ta("features.maxQuality"), QUALITIES.map((q) => [q, q] as const), "1080p");
  private readonly save = button(ta("action.save"), "features-save", "primary");
  private readonly status = new StatusLine("features-status");

  constructor() {
    const list = el("div", { class: "checks-grid" });
    for (const [flag, key] of FLAGS) {
      const c = checkbox(`feature-${flag}`, ta(key));
      c.box.name = flag;
      this.boxes.set(flag, c.box);
      if (flag === "auto_geolocation") c.root.classList.add("sub-check");
      list.appendChild(c.root);
    }
    this.boxes.get("geolocation")?.addEventListener("change", () => this.sync());
    this.save.type = "submit";
    const form = el("form", { class: "card form", attrs: { novalidate: true } }, [
      el("fieldset", { class: "checks" }, [el("legend", { text: ta("features.functions") }), list]),
      field(ta("features.maxQuality"), this.quality),
      this.status.root,
      el("div", { class: "actions" }, [this.save]),
    ]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.root = el("section", { class: "section", testid: "features" }, [heading(ta("nav.features"), "features.help"), form]);
  }

  async load(): Promise<void> {
    this.status.clear();
    try {
      this.fill(await api<FeatureSettings>("GET", "/api/settings/features"));
      this.root.dataset.loaded = "true";
    } catch (err) {
      this.status.failed(err);
    }
  }

  private fill(f: FeatureSettings): void {
    for (const [flag] of FLAGS) {
      const box = this.boxes.get(flag);
      if (box) box.checked = f[flag];
    }
    this.quality.value = f.max_quality;
    this.sync();
  }

  /** Automatic geolocation needs geolocation. */
  private sync(): void {
    const geo = this.boxes.get("geolocation")?.checked ?? false;
    const auto = this.boxes.get("auto_geolocation");
    if (!auto) return;
    auto.disabled = !geo;
    if (!geo) auto.checked = false;
  }

  private value(): FeatureSettings {
    const on = (flag: Flag): boolean => this.boxes.get(flag)?.checked ?? false;
    return {
      two_way_video: on("two_way_video"),
      one_way_video: on("one_way_video"),
      screen_share: on("screen_share"),
      chat: on("chat"),
      files: on("files"),
      pointer: on("pointer"),
      screenshots: on("screenshots"),
      hd_photo: on("hd_photo"),
      geolocation: on("geolocation"),
      auto_geolocation: on("geolocation") && on("auto_geolocation"),
      recording: on("recording"),
      survey: on("survey"),
      max_quality: this.quality.value as MaxQuality,
    };
  }

  private submit(): void {
    const body = this.value();
    if (!body.two_way_video && !body.one_way_video) {
      this.status.error(ta("features.noVideo"));
      this.boxes.get("two_way_video")?.focus();
      return;
    }
    void busy(
      this.save,
      this.status,
      async () => {
        const saved = await api<FeatureSettings | undefined>("PUT", "/api/settings/features", body);
        this.fill(saved ?? body);
      },
      ta("features.saved"),
    );
  }
}
