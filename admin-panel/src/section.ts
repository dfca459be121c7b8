// What the shell needs of a section.

export type SectionId = "users" | "reports" | "branding" | "features" | "custom-fields" | "survey" | "schedule" | "storage";

export interface Section {
  /** The section's root (its `data-testid` is the section's name). */
  readonly root: HTMLElement;
  /** (Re)reads what it shows; called each time the section is opened. */
  load(): Promise<void>;
  /** The rest of the hash after the section's name (`#/reports/<id>` → `<id>`), or null; called before `load()`. */
  route?(sub: string | null): void;
  /** Stops timers when the panel signs out. */
  close?(): void;
}
