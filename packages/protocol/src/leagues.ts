import { z } from 'zod';

/** The 18 league tiers, entry first (mirrors `LEAGUE_TIERS` in @onair/core; a test holds them equal). */
export const LEAGUE_TIER_NAMES = [
  'D5',
  'D4',
  'D3',
  'D2',
  'D1',
  'C5',
  'C4',
  'C3',
  'C2',
  'C1',
  'B5',
  'B4',
  'B3',
  'B2',
  'B1',
  'A3',
  'A2',
  'A1',
] as const;
export const LeagueTierName = z.enum(LEAGUE_TIER_NAMES).meta({ id: 'LeagueTier' });
export type LeagueTierName = z.infer<typeof LeagueTierName>;

/** What a badge shows beside a creator's name: their tier in the current period. */
export const LeagueBadge = z.object({ tier: LeagueTierName }).meta({ id: 'LeagueBadge' });
export type LeagueBadge = z.infer<typeof LeagueBadge>;

const LeagueUser = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});

export const LeagueMove = z.enum(['up', 'stay', 'down']);

export const LeagueStanding = z.object({
  rank: z.number().int(),
  creator: LeagueUser,
  points: z.number().int(),
  /** Where the creator would go if the period ended now. */
  move: LeagueMove,
});
export type LeagueStanding = z.infer<typeof LeagueStanding>;

export const LeaguePeriodInfo = z.object({ key: z.string(), startsAt: z.string(), endsAt: z.string() });

export const LeagueHistoryItem = z.object({
  period: LeaguePeriodInfo,
  tier: LeagueTierName,
  points: z.number().int(),
  rank: z.number().int(),
  groupSize: z.number().int(),
  move: LeagueMove,
  nextTier: LeagueTierName,
});
export type LeagueHistoryItem = z.infer<typeof LeagueHistoryItem>;

/** A creator's league page: their group's live standings, their place in it, and past periods. */
export const LeagueView = z
  .object({
    creator: LeagueUser,
    /** Null until the creator first goes LIVE (that is when a creator joins the league). */
    current: z
      .object({
        period: LeaguePeriodInfo,
        tier: LeagueTierName,
        group: z.number().int(),
        points: z.number().int(),
        rank: z.number().int(),
        promote: z.number().int(),
        relegate: z.number().int(),
        standings: z.array(LeagueStanding),
      })
      .nullable(),
    bestTier: LeagueTierName.nullable(),
    history: z.array(LeagueHistoryItem),
  })
  .meta({ id: 'LeagueView' });
export type LeagueView = z.infer<typeof LeagueView>;

export const LEADERBOARD_WINDOWS = ['daily', 'weekly', 'allTime'] as const;
export const LeaderboardQuery = z.object({ window: z.enum(LEADERBOARD_WINDOWS).default('daily') });
export type LeaderboardWindowName = (typeof LEADERBOARD_WINDOWS)[number];

export const Leaderboard = z
  .object({
    window: z.enum(LEADERBOARD_WINDOWS),
    /** The window's bounds; null for all time. */
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    gifters: z.array(z.object({ rank: z.number().int(), user: LeagueUser, coins: z.number().int() })),
  })
  .meta({ id: 'Leaderboard' });
export type Leaderboard = z.infer<typeof Leaderboard>;
