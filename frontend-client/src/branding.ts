// The company's look on the client page (`JoinInfo.branding`), checked
// before use: colours only as `#rrggbb`, the logo only from this site or
// over http(s). Pure; main.ts applies the result.

import type { Branding } from "@shared/protocol";

const HEX = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(v: unknown): v is string {
  return typeof v === "string" && HEX.test(v);
}

/** Relative luminance (WCAG) of a `#rrggbb` colour, 0..1. */
export function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Text colour that reads on `hex`: white on dark colours, near-black on light ones. */
export function contrastOn(hex: string): "#ffffff" | "#111827" {
  // The luminance where white and #111827 give the same contrast ratio.
  return luminance(hex) > 0.18 ? "#111827" : "#ffffff";
}

/** The CSS custom properties the branding sets (only valid colours). */
export function brandingStyle(b: Pick<Branding, "accent_color" | "background_color">): Record<string, string> {
  const style: Record<string, string> = {};
  if (isHexColor(b.accent_color)) {
    style["--accent"] = b.accent_color;
    style["--accent-contrast"] = contrastOn(b.accent_color);
  }
  if (isHexColor(b.background_color)) style["--bg"] = b.background_color;
  return style;
}

/** The logo's address when it is safe to load: a path on this site, or http(s). */
export function logoSrc(url: string | null | undefined): string | null {
  if (!url) return null;
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return url;
  return httpUrl(url);
}

/** `url` when it is an absolute http(s) URL, else null. */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}
