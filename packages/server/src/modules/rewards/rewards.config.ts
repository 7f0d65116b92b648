import { DEFAULT_REWARD_TABLE, type RewardTable } from '@onair/core';
import type { Config } from '../../config.ts';

export interface RewardsConfig {
  /** IANA zone of the rewards calendar: weeks start at local midnight on Monday there. */
  zone: string;
  /** The percentage table, already checked by `validateRewardTable` at boot. */
  table: RewardTable;
  /** Creators paid per transaction of the weekly settlement. */
  weeklyBatch: number;
  /**
   * How long after a week ends its settlement starts: gift transactions that began before midnight
   * commit within it, so the week's list of diamonds is complete when it is read.
   */
  weeklyGraceMs: number;
  /** How often ended LIVEs that no job settled (the node died at the end) are looked for. */
  sweepMs: number;
}

/** The default of REWARDS_WEEKLY_BATCH (the bench uses it too). */
export const WEEKLY_BATCH = 5_000;

export function rewardsConfig(config: Config, over: Partial<RewardsConfig> = {}): RewardsConfig {
  return {
    zone: config.REWARDS_TIME_ZONE,
    table: config.REWARDS_TABLE ?? DEFAULT_REWARD_TABLE,
    weeklyBatch: config.REWARDS_WEEKLY_BATCH,
    weeklyGraceMs: 60_000,
    sweepMs: 5 * 60_000,
    ...over,
  };
}
