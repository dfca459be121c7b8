// Network quality (good / fair / poor) from WebRTC stats. The calculation is
// pure: `extractSample` reads a stats report (plus the counters of the previous
// one), `networkLevel` grades the sample.

export type NetworkLevel = "good" | "fair" | "poor";

export interface NetworkSample {
  /** Round-trip time to the gateway, ms. */
  rttMs?: number;
  /** Packet loss over the last interval, 0..1 (worst of both directions). */
  loss?: number;
  /** The sender's bandwidth estimate, bits per second. */
  availableOutgoingBitrate?: number;
  /** Whether this page sends video (the bitrate criterion applies only then). */
  sendingVideo: boolean;
}

export const THRESHOLDS = {
  rttFairMs: 250,
  rttPoorMs: 500,
  lossFair: 0.02,
  lossPoor: 0.08,
  bitrateFair: 400_000,
  bitratePoor: 150_000,
} as const;

const RANK: Record<NetworkLevel, number> = { good: 0, fair: 1, poor: 2 };

function worst(a: NetworkLevel, b: NetworkLevel): NetworkLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Grades a sample: the worst of RTT, loss and (when sending video) bitrate. */
export function networkLevel(s: NetworkSample): NetworkLevel {
  let level: NetworkLevel = "good";
  if (s.rttMs !== undefined) {
    level = worst(level, s.rttMs > THRESHOLDS.rttPoorMs ? "poor" : s.rttMs > THRESHOLDS.rttFairMs ? "fair" : "good");
  }
  if (s.loss !== undefined) {
    level = worst(level, s.loss > THRESHOLDS.lossPoor ? "poor" : s.loss > THRESHOLDS.lossFair ? "fair" : "good");
  }
  if (s.sendingVideo && s.availableOutgoingBitrate !== undefined) {
    const b = s.availableOutgoingBitrate;
    level = worst(level, b < THRESHOLDS.bitratePoor ? "poor" : b < THRESHOLDS.bitrateFair ? "fair" : "good");
  }
  return level;
}

/** One entry of an `RTCStatsReport` as far as this module reads it. */
export interface StatLike {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** Cumulative inbound counters per stream, kept between samples. */
export type LossCounters = ReadonlyMap<string, { lost: number; received: number }>;

function num(stat: StatLike, field: string): number | undefined {
  const v = stat[field];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * Reads RTT (selected candidate pair, else remote-inbound-rtp), loss (inbound
 * packets lost over the interval since `prev`, and the gateway's
 * `fractionLost` for what this page sends) and the available outgoing
 * bitrate. Returns the sample and the counters to pass next time.
 */
export function extractSample(
  stats: Iterable<StatLike>,
  prev: LossCounters | undefined,
  sendingVideo: boolean,
): { sample: NetworkSample; counters: LossCounters } {
  const all = [...stats];
  const byId = new Map(all.map((s) => [s.id, s]));
  let pair: StatLike | undefined;
  for (const s of all) {
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string") {
      pair = byId.get(s.selectedCandidatePairId);
      if (pair) break;
    }
  }
  pair ??= all.find((s) => s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded");

  const sample: NetworkSample = { sendingVideo };
  const pairRtt = pair ? num(pair, "currentRoundTripTime") : undefined;
  if (pairRtt !== undefined) sample.rttMs = pairRtt * 1000;
  const aob = pair ? num(pair, "availableOutgoingBitrate") : undefined;
  if (aob !== undefined) sample.availableOutgoingBitrate = aob;

  let worstLoss: number | undefined;
  const counters = new Map<string, { lost: number; received: number }>();
  let remoteRtt: number | undefined;
  for (const s of all) {
    if (s.type === "inbound-rtp") {
      const lost = num(s, "packetsLost");
      const received = num(s, "packetsReceived");
      if (lost === undefined || received === undefined) continue;
      counters.set(s.id, { lost, received });
      const before = prev?.get(s.id);
      if (!before) continue;
      const dLost = Math.max(0, lost - before.lost);
      const dReceived = Math.max(0, received - before.received);
      if (dLost + dReceived === 0) continue;
      const loss = dLost / (dLost + dReceived);
      worstLoss = Math.max(worstLoss ?? 0, loss);
    } else if (s.type === "remote-inbound-rtp") {
      const fraction = num(s, "fractionLost");
      if (fraction !== undefined) worstLoss = Math.max(worstLoss ?? 0, fraction);
      const rtt = num(s, "roundTripTime");
      if (rtt !== undefined) remoteRtt = Math.max(remoteRtt ?? 0, rtt);
    }
  }
  if (worstLoss !== undefined) sample.loss = worstLoss;
  if (sample.rttMs === undefined && remoteRtt !== undefined) sample.rttMs = remoteRtt * 1000;
  return { sample, counters };
}
