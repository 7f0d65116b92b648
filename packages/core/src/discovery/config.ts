/**
 * The "For You" ranking's knobs. One object so the server can load it from config, show it in the
 * admin console, and pass the same values to the maths and to the SQL that mirrors it.
 */

export const SIGNALS = ['engagement', 'watchTime', 'newFollowers', 'consistency', 'retention'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface RankingWeights {
  engagement: number;
  watchTime: number;
  newFollowers: number;
  consistency: number;
  retention: number;
}

export interface RankingConfig {
  /** Relative weights; only their ratios matter, because contributions are divided by their sum. */
  weights: RankingWeights;
  /** The sliding window the engagement signal is measured over. */
  windowMs: number;
  /** Viewers who stayed less than this in the window are not counted at all (drive-by scrolling). */
  minWatchMs: number;
  /** Hearts credited per viewer per window: holding the screen down earns nothing past it. */
  heartCapPerViewer: number;
  /** Coins credited per sender per window, before the log scale. */
  giftCoinCapPerSender: number;
  commentPoints: number;
  sharePoints: number;
  heartPoints: number;
  giftPointsPerLog: number;
  /** How long after going LIVE the freshness boost takes to fade to 0. */
  freshnessMs: number;
  /** Score points added at minute 0, fading linearly. */
  freshnessBoost: number;
  /** Share of each feed page reserved for small creators. */
  explorationShare: number;
  /** A "small creator" has fewer followers than this. */
  explorationMaxFollowers: number;
  /** Score points added per unit of each personal affinity. */
  personal: { followed: number; topic: number; hashtag: number };
}

export const DEFAULT_RANKING: RankingConfig = {
  weights: { engagement: 0.3, watchTime: 0.25, newFollowers: 0.2, consistency: 0.15, retention: 0.1 },
  windowMs: 10 * 60_000,
  minWatchMs: 10_000,
  heartCapPerViewer: 30,
  giftCoinCapPerSender: 1_000,
  commentPoints: 1,
  sharePoints: 3,
  heartPoints: 0.1,
  giftPointsPerLog: 2,
  freshnessMs: 5 * 60_000,
  freshnessBoost: 0.1,
  explorationShare: 0.1,
  explorationMaxFollowers: 100,
  personal: { followed: 0.2, topic: 0.1, hashtag: 0.05 },
};

export function weightSum(w: RankingWeights): number {
  let sum = 0;
  for (const s of SIGNALS) sum += w[s];
  return sum;
}

const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Every problem with a config, worded for the operator who wrote it; [] when it can be used. */
export function validateRankingConfig(c: RankingConfig): string[] {
  const problems: string[] = [];
  const nonNegative = (path: string, v: unknown) => {
    if (!isNonNegative(v)) problems.push(`${path} must be a finite number >= 0 (got ${String(v)})`);
  };
  const weights = c.weights ?? ({} as RankingWeights);
  for (const s of SIGNALS) nonNegative(`weights.${s}`, weights[s]);
  if (SIGNALS.every((s) => isNonNegative(weights[s])) && !(weightSum(weights) > 0))
    problems.push('weights must not all be 0: nothing would rank');
  if (!(isNonNegative(c.windowMs) && c.windowMs > 0))
    problems.push(`windowMs must be a finite number > 0 (got ${String(c.windowMs)})`);
  nonNegative('minWatchMs', c.minWatchMs);
  if (isNonNegative(c.minWatchMs) && isNonNegative(c.windowMs) && c.minWatchMs > c.windowMs)
    problems.push('minWatchMs must not exceed windowMs: no viewer could qualify');
  nonNegative('heartCapPerViewer', c.heartCapPerViewer);
  nonNegative('giftCoinCapPerSender', c.giftCoinCapPerSender);
  nonNegative('commentPoints', c.commentPoints);
  nonNegative('sharePoints', c.sharePoints);
  nonNegative('heartPoints', c.heartPoints);
  nonNegative('giftPointsPerLog', c.giftPointsPerLog);
  nonNegative('freshnessMs', c.freshnessMs);
  nonNegative('freshnessBoost', c.freshnessBoost);
  if (!(isNonNegative(c.explorationShare) && c.explorationShare <= 1))
    problems.push(`explorationShare must be between 0 and 1 (got ${String(c.explorationShare)})`);
  nonNegative('explorationMaxFollowers', c.explorationMaxFollowers);
  const personal = c.personal ?? ({} as RankingConfig['personal']);
  nonNegative('personal.followed', personal.followed);
  nonNegative('personal.topic', personal.topic);
  nonNegative('personal.hashtag', personal.hashtag);
  return problems;
}
