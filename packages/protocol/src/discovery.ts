import { z } from 'zod';

/** "Why am I ranked here": the creator's place in the For You ranking, signal by signal. */

export const RankingSignalName = z.enum([
  'engagement',
  'watchTime',
  'newFollowers',
  'consistency',
  'retention',
]);
export type RankingSignalName = z.infer<typeof RankingSignalName>;

export const RankingSignal = z
  .object({
    signal: RankingSignalName,
    label: z.string(),
    /** The raw value in its own unit (points per viewer-minute, ms, followers per 100 viewers, 0..1). */
    value: z.number(),
    /** The same value as the creator reads it ("41 s", "3.2 per 100 viewers"). */
    display: z.string(),
    /** Among the rooms LIVE now, 0..1. */
    percentile: z.number(),
    /** Share of the score this signal can earn, 0..1. */
    weight: z.number(),
    /** Score points earned: weight × percentile. */
    contribution: z.number(),
  })
  .meta({ id: 'RankingSignal' });
export type RankingSignal = z.infer<typeof RankingSignal>;

export const RankingWeightsView = z
  .object({
    engagement: z.number(),
    watchTime: z.number(),
    newFollowers: z.number(),
    consistency: z.number(),
    retention: z.number(),
  })
  .meta({ id: 'RankingWeights' });

export const StudioRanking = z
  .object({
    live: z.boolean(),
    /** The LIVE the figures are about: the current one, else the last one (history only). */
    sessionId: z.string().nullable(),
    score: z.number().nullable(),
    position: z.number().int().nullable(),
    /** Rooms LIVE now, ranked. */
    rooms: z.number().int(),
    computedAt: z.string().nullable(),
    freshness: z.number(),
    explorer: z.boolean(),
    signals: z.array(RankingSignal),
    advice: z.object({ signal: RankingSignalName, message: z.string(), gain: z.number() }).nullable(),
    history: z.array(
      z.object({ at: z.string(), score: z.number(), position: z.number().int(), rooms: z.number().int() }),
    ),
    /** The whole ranking config, for admins only. */
    config: z
      .object({
        weights: RankingWeightsView,
        windowMs: z.number(),
        minWatchMs: z.number(),
        heartCapPerViewer: z.number(),
        giftCoinCapPerSender: z.number(),
        freshnessMs: z.number(),
        freshnessBoost: z.number(),
        explorationShare: z.number(),
        explorationMaxFollowers: z.number(),
        intervalMs: z.number(),
      })
      .optional(),
  })
  .meta({ id: 'StudioRanking' });
export type StudioRanking = z.infer<typeof StudioRanking>;
