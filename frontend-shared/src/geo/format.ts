// Formatting of positions for people, the marker on a map tile, and the
// `location` frame of a browser fix (pure).

import type { ControlIn, GeoLang, MapTile, RequestOutcome } from "../protocol";

type Lang = "ru" | "en";

/** Side of a map tile, px. */
export const TILE_SIZE = 256;

/** "±25 m" / "±25 м"; from 1 km on "±1.2 km" / "±1,2 км". */
export function formatAccuracy(metres: number, lang: Lang): string {
  if (!Number.isFinite(metres) || metres < 0) return "";
  if (metres < 1000) return `±${Math.round(metres)} ${lang === "ru" ? "м" : "m"}`;
  const km = (Math.round(metres / 100) / 10).toFixed(1);
  return lang === "ru" ? `±${km.replace(".", ",")} км` : `±${km} km`;
}

/** "55.751244, 37.618423": six decimals (about 10 cm), any language. */
export function formatCoords(lat: number, lon: number): string {
  return `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
}

/** Where the marker goes on a tile, in % of its side (kept on the tile). */
export function tileMarker(tile: Pick<MapTile, "x" | "y">): { left: number; top: number } {
  const pct = (v: number): number => (Number.isFinite(v) ? Math.min(100, Math.max(0, (v / TILE_SIZE) * 100)) : 50);
  return { left: pct(tile.x), top: pct(tile.y) };
}

export type GeoErrorKind = "denied" | "unavailable" | "timeout" | "unsupported" | "failed";

/** A `GeolocationPositionError.code` (1 denied, 2 unavailable, 3 timeout). */
export function geoErrorKind(code: number | undefined): GeoErrorKind {
  switch (code) {
    case 1:
      return "denied";
    case 2:
      return "unavailable";
    case 3:
      return "timeout";
    default:
      return "failed";
  }
}

/** How a failed attempt answers the agent's request. */
export function outcomeOf(kind: GeoErrorKind): Exclude<RequestOutcome, "done"> {
  switch (kind) {
    case "denied":
      return "declined";
    case "unavailable":
    case "timeout":
    case "unsupported":
      return "unavailable";
    default:
      return "failed";
  }
}

/** What the page keeps of a browser fix until the server stored it. */
export interface LocationDraft {
  lat: number;
  lon: number;
  accuracy_m: number;
  altitude_m?: number;
  measured_at_ms: number;
  lang: GeoLang;
}

/** The fields of a `GeolocationPosition` this needs (a plain object in tests). */
export interface PositionLike {
  coords: { latitude: number; longitude: number; accuracy: number; altitude: number | null };
  timestamp: number;
}

export function draftOf(pos: PositionLike, lang: GeoLang, now: number = Date.now()): LocationDraft {
  const c = pos.coords;
  const draft: LocationDraft = {
    lat: c.latitude,
    lon: c.longitude,
    accuracy_m: Number.isFinite(c.accuracy) && c.accuracy >= 0 ? c.accuracy : 0,
    measured_at_ms: Number.isFinite(pos.timestamp) && pos.timestamp > 0 ? Math.round(pos.timestamp) : now,
    lang,
  };
  if (c.altitude !== null && Number.isFinite(c.altitude)) draft.altitude_m = c.altitude;
  return draft;
}

/** The `location` frame of a draft. */
export function locationFrame(d: LocationDraft, clientMsgId: string, requestId?: string): ControlIn {
  return {
    type: "location",
    client_msg_id: clientMsgId,
    lat: d.lat,
    lon: d.lon,
    accuracy_m: d.accuracy_m,
    ...(d.altitude_m !== undefined ? { altitude_m: d.altitude_m } : {}),
    measured_at_ms: d.measured_at_ms,
    ...(requestId ? { request_id: requestId } : {}),
    lang: d.lang,
  };
}

/** Whether a stored value is a draft (from sessionStorage). */
export function isLocationDraft(v: unknown): v is LocationDraft {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  const num = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x);
  return (
    num(r.lat) &&
    num(r.lon) &&
    num(r.accuracy_m) &&
    num(r.measured_at_ms) &&
    (r.altitude_m === undefined || num(r.altitude_m)) &&
    (r.lang === "ru" || r.lang === "en")
  );
}
