import type { LeagueTier } from '@onair/core';
import type { Db } from '../../db/database.ts';
import { activeFanCounts } from '../fanclub/active-fans.read-model.ts';
import { leagueWeekStatus } from '../leagues/league-status.read-model.ts';

/**
 * What the weekly missions need from other domains: active fan-club members (fan clubs) and league
 * progress (leagues). Injected, so the settlement runs and is tested without those modules, and
 * services.ts hands it their read models. Both are called with the settling transaction.
 */
export interface WeeklyInputs {
  /** Active fan-club members per creator at `at` (creators with none may be absent). */
  activeFans(db: Db, creatorIds: readonly string[], at: Date): Promise<Map<string, number>>;
  /** The creator's tier at the week's end and the best held before it (absent: no league). */
  league(
    db: Db,
    creatorIds: readonly string[],
    weekStart: Date,
    weekEnd: Date,
  ): Promise<Map<string, { current: LeagueTier; bestBefore: LeagueTier }>>;
}

/** No fan clubs and no leagues: every creator has 0 active fans and no league (tests). */
export const noWeeklyInputs: WeeklyInputs = {
  activeFans: async () => new Map(),
  league: async () => new Map(),
};

/** The real ones: the fan clubs' and the leagues' read models (services.ts, the CLI, the bench). */
export const readModelInputs: WeeklyInputs = {
  activeFans: activeFanCounts,
  league: leagueWeekStatus,
};
