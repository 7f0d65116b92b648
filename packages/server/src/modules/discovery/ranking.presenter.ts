import {
  formatDuration,
  liftAdvice,
  type RankingConfig,
  SIGNALS,
  type Signal,
  type SignalBreakdown,
  weightSum,
} from '@onair/core';
import type { RankingSignal, StudioRanking } from '@onair/protocol';
import type { LiveRankingRow, RankingStateTable } from '../../db/schema.ts';

const LABELS: Record<Signal, string> = {
  engagement: 'Engagement',
  watchTime: 'Watch time',
  newFollowers: 'New followers',
  consistency: 'Consistency',
  retention: 'Returning viewers',
};

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

function display(signal: Signal, value: number): string {
  switch (signal) {
    case 'engagement':
      return `${round(value)} per viewer-minute`;
    case 'watchTime':
      return `${formatDuration(value)} average`;
    case 'newFollowers':
      return `${round(value, 1)} per 100 viewers`;
    case 'consistency':
    case 'retention':
      return `${Math.round(value * 100)}%`;
  }
}

/** The stored row as the breakdown the maths produced: value, percentile, weight, contribution. */
export function breakdownOf(row: LiveRankingRow, c: RankingConfig): SignalBreakdown[] {
  const total = weightSum(c.weights);
  const values: Record<Signal, [number, number]> = {
    engagement: [row.engagement, row.pEngagement],
    watchTime: [row.watchMs, row.pWatch],
    newFollowers: [row.newFollowers, row.pNewFollowers],
    consistency: [row.consistency, row.pConsistency],
    retention: [row.retention, row.pRetention],
  };
  return SIGNALS.map((signal) => {
    const [value, percentile] = values[signal];
    const weight = total > 0 ? c.weights[signal] / total : 0;
    return { signal, value, percentile, weight, contribution: weight * percentile };
  });
}

export interface RankingView {
  row: LiveRankingRow | undefined;
  state: { generation: number; computedAt: Date; rooms: number } & Partial<Pick<RankingStateTable, 'tookMs'>>;
  sessionId: string | null;
  history: { minute: Date; score: number; position: number; rooms: number }[];
  ranking: RankingConfig;
  admin?: { intervalMs: number };
}

export function presentRanking(v: RankingView): StudioRanking {
  const c = v.ranking;
  const breakdown = v.row ? breakdownOf(v.row, c) : [];
  const signals: RankingSignal[] = breakdown.map((b) => ({
    ...b,
    label: LABELS[b.signal],
    display: display(b.signal, b.value),
  }));
  return {
    live: v.row !== undefined,
    sessionId: v.sessionId,
    score: v.row ? v.row.score : null,
    position: v.row ? v.row.position : null,
    rooms: Number(v.state.rooms),
    computedAt: v.row ? v.row.computedAt.toISOString() : null,
    freshness: v.row?.freshness ?? 0,
    explorer: v.row?.explorer ?? false,
    signals,
    advice: v.row ? liftAdvice({ breakdown }, c) : null,
    history: v.history.map((h) => ({
      at: h.minute.toISOString(),
      score: h.score,
      position: h.position,
      rooms: h.rooms,
    })),
    ...(v.admin
      ? {
          config: {
            weights: c.weights,
            windowMs: c.windowMs,
            minWatchMs: c.minWatchMs,
            heartCapPerViewer: c.heartCapPerViewer,
            giftCoinCapPerSender: c.giftCoinCapPerSender,
            freshnessMs: c.freshnessMs,
            freshnessBoost: c.freshnessBoost,
            explorationShare: c.explorationShare,
            explorationMaxFollowers: c.explorationMaxFollowers,
            intervalMs: v.admin.intervalMs,
          },
        }
      : {}),
  };
}
