/**
 * The For You ranking of the rooms LIVE now: each signal becomes a percentile among all of them,
 * the weighted percentiles add up to a score in [0, 1], and a fading freshness boost gives a room
 * that just went LIVE a moment in front of viewers before it has any signals of its own.
 */
import { type RankingConfig, SIGNALS, type Signal, weightSum } from './config.ts';
import { percentiles } from './percentile.ts';

export interface RoomSignals {
  sessionId: string;
  creatorId: string;
  startedAtMs: number;
  followers: number;
  /** engagementRate over the window. */
  engagement: number;
  /** Average watch ms of this LIVE so far. */
  watchTime: number;
  /** New followers during this LIVE per 100 unique viewers. */
  newFollowers: number;
  /** consistencyScore. */
  consistency: number;
  /** Share 0..1 of this LIVE's viewers who watched one of the creator's last 5 LIVEs. */
  retention: number;
}

export interface SignalBreakdown {
  signal: Signal;
  /** The raw signal, in its own unit (what the creator is told). */
  value: number;
  percentile: number;
  weight: number;
  /** weight * percentile / sum(weights): the score points this signal earns. */
  contribution: number;
}

export interface RankedRoom {
  sessionId: string;
  creatorId: string;
  score: number;
  /** 1-based. */
  position: number;
  freshness: number;
  breakdown: SignalBreakdown[];
  /** A small creator, eligible for the exploration slots. */
  explorer: boolean;
}

/**
 * freshnessBoost * (1 - ageMs / freshnessMs) while 0 <= ageMs < freshnessMs, 0 from freshnessMs on.
 * A start time in the future (clock skew between nodes) counts as age 0.
 */
export function freshness(ageMs: number, c: RankingConfig): number {
  if (!(c.freshnessMs > 0) || !(ageMs < c.freshnessMs)) return 0;
  const age = Math.max(ageMs, 0);
  return c.freshnessBoost * (1 - age / c.freshnessMs);
}

/** A missing or broken measurement counts as none rather than poisoning the sort. */
const signalValue = (v: number) => (typeof v === 'number' && !Number.isNaN(v) ? v : 0);

/** Each signal's raw values, read with plain property names (this runs every few seconds on 10,000 rooms). */
function signalColumns(rooms: readonly RoomSignals[]): Record<Signal, Float64Array> {
  const n = rooms.length;
  const cols = {
    engagement: new Float64Array(n),
    watchTime: new Float64Array(n),
    newFollowers: new Float64Array(n),
    consistency: new Float64Array(n),
    retention: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rooms[i]!;
    cols.engagement[i] = signalValue(r.engagement);
    cols.watchTime[i] = signalValue(r.watchTime);
    cols.newFollowers[i] = signalValue(r.newFollowers);
    cols.consistency[i] = signalValue(r.consistency);
    cols.retention[i] = signalValue(r.retention);
  }
  return cols;
}

/**
 * score = sum(contribution) + freshness(nowMs - startedAtMs), sorted by score (highest first, ties by
 * sessionId), positions 1..n. Pure: the same rooms, config and time give the same ranking.
 */
export function rankRooms(rooms: readonly RoomSignals[], c: RankingConfig, nowMs: number): RankedRoom[] {
  const n = rooms.length;
  const total = weightSum(c.weights);
  const raw = signalColumns(rooms);
  const columns = SIGNALS.map((signal) => ({
    signal,
    weight: c.weights[signal],
    values: raw[signal],
    pct: percentiles(raw[signal]),
  }));
  const scores = new Float64Array(n);
  const fresh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let score = 0;
    for (const col of columns) score += total > 0 ? (col.weight * col.pct[i]!) / total : 0;
    fresh[i] = freshness(nowMs - rooms[i]!.startedAtMs, c);
    scores[i] = score + fresh[i]!;
  }
  // Sorting indexes over typed arrays rather than the result objects keeps the comparator cheap.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const d = scores[b]! - scores[a]!;
    if (d !== 0) return d;
    const ia = rooms[a]!.sessionId;
    const ib = rooms[b]!.sessionId;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const ranked = new Array<RankedRoom>(n);
  for (let pos = 0; pos < n; pos++) {
    const i = order[pos]!;
    const room = rooms[i]!;
    const breakdown = columns.map(
      (col): SignalBreakdown => ({
        signal: col.signal,
        value: col.values[i]!,
        percentile: col.pct[i]!,
        weight: col.weight,
        contribution: total > 0 ? (col.weight * col.pct[i]!) / total : 0,
      }),
    );
    ranked[pos] = {
      sessionId: room.sessionId,
      creatorId: room.creatorId,
      score: scores[i]!,
      position: pos + 1,
      freshness: fresh[i]!,
      breakdown,
      explorer: room.followers < c.explorationMaxFollowers,
    };
  }
  return ranked;
}
