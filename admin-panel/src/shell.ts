// The signed-in frame: top bar, navigation (a side list on a desktop, a
// select at tablet width) and the current section, chosen by the URL hash
// (`#users`, `#branding`, ...).

import type { StaffSession } from "@shared/api";
import { el, replaceChildren } from "@shared/dom";
import { BrandingSection } from "./branding";
import { CustomFieldsSection } from "./customfields";
import { FeaturesSection } from "./features";
import { roleLabel, ta, type AdminKey } from "./messages";
import { ReportsSection } from "./reports";
import { ScheduleSection } from "./schedule";
import type { Section, SectionId } from "./section";
import { StorageSection } from "./storage";
import { SurveySection } from "./survey";
import { button, selectBox } from "./ui";
import { UsersSection } from "./users";

const TITLES: Record<SectionId, AdminKey> = {
  users: "nav.users",
  reports: "nav.reports",
  branding: "nav.branding",
  features: "nav.features",
  "custom-fields": "nav.customFields",
  survey: "nav.survey",
  schedule: "nav.schedule",
  storage: "nav.storage",
};

/** The sections a role sees, in menu order. */
export function sectionsFor(role: string): SectionId[] {
  if (role === "admin") return ["users", "reports", "branding", "features", "custom-fields", "survey", "schedule", "storage"];
  if (role === "supervisor") return ["users", "reports", "schedule"];
  if (role === "agent") return ["reports"];
  return [];
}

export class Shell {
  readonly root: HTMLElement;
  private readonly ids: SectionId[];
  private readonly built = new Map<SectionId, Section>();
  private readonly links = new Map<SectionId, HTMLAnchorElement>();
  private readonly navSelect: HTMLSelectElement;
  private readonly main: HTMLElement;
  private readonly onHash = (): void => this.route();

  constructor(private readonly s: StaffSession, onSignOut: () => void) {
    this.ids = sectionsFor(s.user.role);
    const nav = el("nav", { class: "side-nav", testid: "nav", attrs: { "aria-label": ta("nav.label") } });
    for (const id of this.ids) {
      const a = el("a", { class: "nav-item", testid: `nav-${id}`, text: ta(TITLES[id]), attrs: { href: `#${id}` } });
      this.links.set(id, a);
      nav.appendChild(a);
    }
    this.navSelect = selectBox(
      "nav-select",
      ta("nav.label"),
      this.ids.map((id) => [id, ta(TITLES[id])] as const),
    );
    this.navSelect.classList.add("nav-select");
    this.navSelect.addEventListener("change", () => {
      location.hash = this.navSelect.value;
    });
    const signOut = button(ta("action.signOut"), "logout", "plain", true);
    signOut.addEventListener("click", onSignOut);
    const who = el("span", { class: "who", testid: "current-user", text: `${s.user.login} · ${roleLabel(s.user.role)}` });
    who.dataset.role = s.user.role;
    this.main = el("main", { class: "content", attrs: { tabindex: "-1" } });
    this.root = el("div", { class: "shell" }, [
      el("header", { class: "topbar" }, [el("span", { class: "brand", text: ta("app.brand") }), this.navSelect, who, signOut]),
      el("div", { class: "shell-body" }, [nav, this.main]),
    ]);
  }

  start(): void {
    window.addEventListener("hashchange", this.onHash);
    this.route();
  }

  close(): void {
    window.removeEventListener("hashchange", this.onHash);
    for (const s of this.built.values()) s.close?.();
  }

  private route(): void {
    // `#users`, or `#/reports/<id>` for a page inside a section.
    const path = location.hash.replace(/^#\/?/, "");
    const slash = path.indexOf("/");
    const head = (slash < 0 ? path : path.slice(0, slash)) as SectionId;
    const rest = slash < 0 ? "" : path.slice(slash + 1);
    const known = this.ids.includes(head);
    const id = known ? head : this.ids[0];
    if (!id) return;
    let sub: string | null = null;
    if (known && rest) {
      try {
        sub = decodeURIComponent(rest);
      } catch {
        sub = null;
      }
    }
    if (!sub && `#${id}` !== location.hash) history.replaceState(null, "", `#${id}`);
    this.show(id, sub);
  }

  private show(id: SectionId, sub: string | null = null): void {
    let section = this.built.get(id);
    if (!section) {
      section = this.build(id);
      this.built.set(id, section);
    }
    if (this.main.firstChild !== section.root) replaceChildren(this.main, [section.root]);
    for (const [key, a] of this.links) {
      if (key === id) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    this.navSelect.value = id;
    document.title = `${ta(TITLES[id])} — ${ta("app.title")}`;
    // `data-loaded` comes back once the section has read its data again.
    delete section.root.dataset.loaded;
    section.route?.(sub);
    void section.load();
  }

  private build(id: SectionId): Section {
    const admin = this.s.user.role === "admin";
    switch (id) {
      case "users":
        return new UsersSection(admin, this.s.user.id);
      case "reports":
        return new ReportsSection(this.s.user.role);
      case "branding":
        return new BrandingSection();
      case "features":
        return new FeaturesSection();
      case "custom-fields":
        return new CustomFieldsSection();
      case "survey":
        return new SurveySection();
      case "schedule":
        return new ScheduleSection(admin);
      case "storage":
        return new StorageSection();
    }
  }
}
