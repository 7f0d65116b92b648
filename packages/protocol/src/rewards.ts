import { z } from 'zod';

/** LIVE Rewards in the studio: this week's missions with progress, and every payout explained. */

const Count = z.number().int();

export const RewardItem = z
  .object({
    mission: z.enum(['duration', 'newFollowers', 'liveDays', 'longLive', 'activeFans', 'league']),
    /** Percent this mission added (38 = 38 %). */
    percent: z.number(),
    /** What earned it: "31 min LIVE", "7 new followers". */
    label: z.string(),
  })
  .meta({ id: 'RewardItem' });
export type RewardItem = z.infer<typeof RewardItem>;

export const RewardPayout = z
  .object({
    id: z.string(),
    kind: z.enum(['live', 'weekly']),
    /** The session id of a per-LIVE payout, the ISO week (`2026-W49`) of a weekly one. */
    periodKey: z.string(),
    sessionId: z.string().nullable(),
    periodStart: z.string(),
    periodEnd: z.string(),
    baseDiamonds: Count,
    percent: z.number(),
    bonusDiamonds: Count,
    items: z.array(RewardItem),
    /** "38% for 31 min LIVE + 2% for 7 new followers on 1,240 diamonds = 496 diamonds" */
    explanation: z.string(),
    /** The ledger transfer that paid it; null when the bonus came to 0 diamonds. */
    transferId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'RewardPayout' });
export type RewardPayout = z.infer<typeof RewardPayout>;

export const RewardStep = z.object({ min: Count, percent: z.number() });
export type RewardStep = z.infer<typeof RewardStep>;

export const RewardMissionView = z
  .object({
    mission: RewardItem.shape.mission,
    scope: z.enum(['live', 'weekly']),
    title: z.string(),
    /** How far the creator is, in the mission's unit (minutes, followers, days, members); null for per-LIVE ones. */
    progress: z.number().nullable(),
    /** "3 of 5 LIVE days", "D3, best before D3". */
    progressLabel: z.string(),
    unit: z.string(),
    /** What each step pays: reaching `min` earns `percent`. */
    steps: z.array(RewardStep),
    /** Percent earned so far this week (weekly), null for per-LIVE missions (paid per LIVE). */
    earnedPercent: z.number().nullable(),
    maxPercent: z.number(),
  })
  .meta({ id: 'RewardMissionView' });
export type RewardMissionView = z.infer<typeof RewardMissionView>;

export const StudioRewards = z
  .object({
    timeZone: z.string(),
    week: z.object({ key: z.string(), start: z.string(), end: z.string() }),
    progress: z.object({
      liveDays: Count,
      longestLiveMin: Count,
      activeFans: Count,
      league: z.object({ current: z.string(), bestBefore: z.string() }).nullable(),
      diamondsThisWeek: Count,
    }),
    missions: z.array(RewardMissionView),
    /** The weekly percent earned so far and what it would pay on this week's diamonds. */
    weeklySoFar: z.object({ percent: z.number(), bonusDiamonds: Count, explanation: z.string() }),
    maxPercent: z.object({ perLive: z.number(), weekly: z.number(), cap: z.number() }),
    payouts: z.array(RewardPayout),
    totals: z.object({ payouts: Count, bonusDiamonds: Count }),
  })
  .meta({ id: 'StudioRewards' });
export type StudioRewards = z.infer<typeof StudioRewards>;
