import type { ColumnType, Selectable } from 'kysely';

// Fan clubs (0016), kept apart from schema.ts so that file stays short; schema.ts's `Database`
// extends these. See modules/fanclub/README.md.

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface FanClubsTable {
  creatorId: string;
  badgeName: string;
  fansOnly: Defaulted<boolean>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  updatedAt: Defaulted<Date>;
}

export interface FanMembershipsTable {
  creatorId: string;
  fanId: string;
  joinedAt: Date;
  points: Defaulted<number>;
  level: Defaulted<number>;
  lastPointAt: Date;
}
export type FanMembershipRow = Selectable<FanMembershipsTable>;

export interface FanDailyPointsTable {
  creatorId: string;
  fanId: string;
  day: number;
  mission: string;
  points: number;
}

export interface FanPointEventsTable {
  creatorId: string;
  fanId: string;
  source: string;
  mission: string;
  points: number;
  at: Date;
}

export interface FanClubTables {
  fanClubs: FanClubsTable;
  fanMemberships: FanMembershipsTable;
  fanDailyPoints: FanDailyPointsTable;
  fanPointEvents: FanPointEventsTable;
}
