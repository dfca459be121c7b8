// One reading of the browser's position (`navigator.geolocation`), high
// accuracy, with a time limit; failures come back classified.

import { draftOf, type GeoErrorKind, geoErrorKind, type LocationDraft } from "./format";
import type { GeoLang } from "../protocol";

/** How long the browser may take (the permission prompt included, in Chromium not). */
export const LOCATE_TIMEOUT_MS = 15_000;

export class LocateError extends Error {
  constructor(
    readonly kind: GeoErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "LocateError";
  }
}

/** The page's position now; throws `LocateError`. */
export function locate(lang: GeoLang, timeoutMs: number = LOCATE_TIMEOUT_MS): Promise<LocationDraft> {
  return new Promise((resolve, reject) => {
    const geo = typeof navigator === "undefined" ? undefined : navigator.geolocation;
    if (!geo || typeof geo.getCurrentPosition !== "function") {
      reject(new LocateError("unsupported", "navigator.geolocation is not available"));
      return;
    }
    // A browser that never answers (no prompt shown, no timeout honoured).
    const guard = setTimeout(() => reject(new LocateError("timeout", "no answer from the browser")), timeoutMs + 5_000);
    try {
      geo.getCurrentPosition(
        (pos) => {
          clearTimeout(guard);
          resolve(draftOf(pos, lang));
        },
        (err) => {
          clearTimeout(guard);
          reject(new LocateError(geoErrorKind(err.code), err.message || `geolocation error ${err.code}`));
        },
        { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
      );
    } catch (err) {
      clearTimeout(guard);
      reject(new LocateError("failed", err instanceof Error ? err.message : String(err)));
    }
  });
}
