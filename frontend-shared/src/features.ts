// The call functions an interaction offers (`FeatureSettings`, the admins'
// switches copied into each interaction) as the pages use them: which tools
// exist, which video modes and qualities may be chosen. A function that is
// off has no control on either page (the server refuses it too). Pure.

import type { FeatureSettings, MaxQuality, VideoMode } from "./protocol";
import { QUALITIES, VIDEO_MODES } from "./quality";

/**
 * What a page assumes where the server says nothing (an interaction stored
 * before the switches existed): every function on, any quality; the server
 * still refuses what is really off.
 */
export const ALL_FEATURES: Readonly<FeatureSettings> = {
  two_way_video: true,
  one_way_video: true,
  screen_share: true,
  chat: true,
  files: true,
  pointer: true,
  screenshots: true,
  hd_photo: true,
  geolocation: true,
  auto_geolocation: false,
  recording: true,
  survey: false,
  max_quality: "2160p",
};

type Flag = Exclude<keyof FeatureSettings, "max_quality">;
const FLAGS = Object.keys(ALL_FEATURES).filter((k): k is Flag => k !== "max_quality");

/** The settings from a server answer, each missing or malformed value taken from `ALL_FEATURES`. */
export function featuresOf(raw: unknown): FeatureSettings {
  const out: FeatureSettings = { ...ALL_FEATURES };
  if (typeof raw !== "object" || raw === null) return out;
  const r = raw as Record<string, unknown>;
  for (const flag of FLAGS) {
    const v = r[flag];
    if (typeof v === "boolean") out[flag] = v;
  }
  const q = r.max_quality;
  if (typeof q === "string" && (QUALITIES as readonly string[]).includes(q)) out.max_quality = q as MaxQuality;
  return out;
}

/** The tools of a call, as the pages build them. */
export interface CallTools {
  /** The chat panel (text messages). */
  chat: boolean;
  /** Files in the chat (needs the chat: the file button is in its composer). */
  files: boolean;
  pointer: boolean;
  screenshots: boolean;
  /** The agent's HD photo request and the client's answer to it. */
  photo: boolean;
  /** The agent's location request, the client's `send-geolocation` and prompt. */
  location: boolean;
  /** The client's page asks for the location at join (needs `location`). */
  autoLocation: boolean;
  screenShare: boolean;
}

export function callTools(f: FeatureSettings): CallTools {
  return {
    chat: f.chat,
    files: f.chat && f.files,
    pointer: f.pointer,
    screenshots: f.screenshots,
    photo: f.hd_photo,
    location: f.geolocation,
    autoLocation: f.geolocation && f.auto_geolocation,
    screenShare: f.screen_share,
  };
}

/**
 * Whether the page needs the chat's message channel: for the chat itself,
 * or for screenshots, photos and locations, which travel as chat messages.
 */
export function needsMessages(tools: CallTools): boolean {
  return tools.chat || tools.screenshots || tools.photo || tools.location;
}

/** The video modes an agent may choose, in display order. */
export function allowedModes(f: FeatureSettings): VideoMode[] {
  return VIDEO_MODES.filter((m) => (m === "two_way" ? f.two_way_video : f.one_way_video));
}

/** The qualities up to `max`, lowest first. */
export function qualitiesUpTo(max: MaxQuality): MaxQuality[] {
  return QUALITIES.slice(0, QUALITIES.indexOf(max) + 1);
}

/** `wanted` when allowed, else the highest allowed quality below it (else the lowest allowed). */
export function clampQuality(wanted: MaxQuality, max: MaxQuality): MaxQuality {
  return QUALITIES.indexOf(wanted) <= QUALITIES.indexOf(max) ? wanted : max;
}

/** `wanted` when allowed, else the first allowed mode (null when none is). */
export function pickMode(wanted: VideoMode, allowed: readonly VideoMode[]): VideoMode | null {
  return allowed.includes(wanted) ? wanted : (allowed[0] ?? null);
}
