// `max_quality` -> sender bitrate cap and capture height. Pure.

import type { MaxQuality, VideoMode } from "./protocol";

export interface QualityProfile {
  /** `RTCRtpEncodingParameters.maxBitrate`, bits per second. */
  maxBitrate: number;
  /** Ideal capture height, pixels. */
  height: number;
}

export const QUALITY_PROFILES: Readonly<Record<MaxQuality, QualityProfile>> = {
  "480p": { maxBitrate: 1_000_000, height: 480 },
  "720p": { maxBitrate: 2_500_000, height: 720 },
  "1080p": { maxBitrate: 4_500_000, height: 1080 },
  "2160p": { maxBitrate: 12_000_000, height: 2160 },
};

export const QUALITIES: readonly MaxQuality[] = ["480p", "720p", "1080p", "2160p"];
export const VIDEO_MODES: readonly VideoMode[] = ["two_way", "one_way"];
export const DEFAULT_QUALITY: MaxQuality = "720p";

export function isMaxQuality(v: string): v is MaxQuality {
  return (QUALITIES as readonly string[]).includes(v);
}

export function isVideoMode(v: string): v is VideoMode {
  return (VIDEO_MODES as readonly string[]).includes(v);
}

export function qualityProfile(q: MaxQuality): QualityProfile {
  return QUALITY_PROFILES[q];
}

/** Camera constraints for a quality (and optionally a facing mode). */
export function videoConstraints(q: MaxQuality, facingMode?: ConstrainDOMString): MediaTrackConstraints {
  const c: MediaTrackConstraints = { height: { ideal: QUALITY_PROFILES[q].height } };
  if (facingMode !== undefined) c.facingMode = facingMode;
  return c;
}

/**
 * Returns send parameters with every encoding capped at `maxBitrate`, or null
 * when nothing changes (or there is no encoding yet: before negotiation).
 */
export function capEncodings(params: RTCRtpSendParameters, maxBitrate: number): RTCRtpSendParameters | null {
  const encodings = params.encodings ?? [];
  if (encodings.length === 0) return null;
  if (encodings.every((e) => e.maxBitrate === maxBitrate)) return null;
  for (const e of encodings) e.maxBitrate = maxBitrate;
  return params;
}
