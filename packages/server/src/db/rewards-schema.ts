import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './schema.ts';

// LIVE Rewards (0015): bonuses paid from the rewards pool; see modules/rewards/README.md.
export interface RewardPayoutsTable {
  id: Generated<number>;
  creatorId: string;
  kind: 'live' | 'weekly';
  periodKey: string;
  sessionId: string | null;
  periodStart: Date;
  periodEnd: Date;
  baseDiamonds: number;
  bps: number;
  bonusDiamonds: number;
  items: ColumnType<RewardItemJson[], string, string>;
  explanation: string;
  transferId: number | null;
  createdAt: CreatedAt;
}
export type RewardPayoutRow = Selectable<RewardPayoutsTable>;

export interface RewardItemJson {
  mission: string;
  bps: number;
  label: string;
}

export interface RewardWeekTotalsTable {
  periodKey: string;
  creatorId: string;
  diamonds: number;
}

/** The rewards tables as `Database` members (schema.ts extends it). */
export interface RewardTables {
  rewardPayouts: RewardPayoutsTable;
  rewardWeekTotals: RewardWeekTotalsTable;
}
