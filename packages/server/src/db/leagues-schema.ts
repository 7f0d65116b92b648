import type { LeagueTier } from '@onair/core';
import type { Generated } from 'kysely';
import type { CreatedAt } from './schema.ts';

// Leagues (0017): periods, memberships per period, each creator's best tier; see modules/leagues/README.md.
export type LeaguePeriodStatus = 'open' | 'settling' | 'settled';
export interface LeaguePeriodsTable {
  key: string;
  startsAt: Date;
  endsAt: Date;
  status: LeaguePeriodStatus;
  settledAt: Date | null;
  createdAt: CreatedAt;
}

export interface LeagueCreatorsTable {
  creatorId: string;
  bestTier: LeagueTier;
  bestRank: number;
  bestAt: Date;
  joinedAt: Date;
}

export type LeagueMovement = 'up' | 'stay' | 'down';
export interface LeagueMembershipsTable {
  periodKey: string;
  creatorId: string;
  tier: LeagueTier;
  tierRank: number;
  groupNo: number;
  joinedAt: Date;
  points: number | null;
  rank: number | null;
  movement: LeagueMovement | null;
  nextTier: LeagueTier | null;
  settledAt: Date | null;
  announcedAt: Generated<Date | null>;
}

/** The league tables, listed in schema.ts's `Database`. */
export interface LeagueTables {
  leaguePeriods: LeaguePeriodsTable;
  leagueCreators: LeagueCreatorsTable;
  leagueMemberships: LeagueMembershipsTable;
}
