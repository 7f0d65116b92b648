import { type BoosterKind, type BoosterRules, DEFAULT_BOOSTER_RULES } from '@onair/core';
import type { Config } from '../../config.ts';
import type { BattleRow } from '../../db/schema.ts';

export interface BattleConfig {
  inviteMs: number;
  connectMs: number;
  durationMs: number;
  resultMs: number;
  /** The final count waits this long after the deadline for gift transactions under way. */
  settleMs: number;
  /** How often the worker looks for due deadlines (the jobs module's poll interval). */
  tickMs: number;
  rules: BoosterRules;
  /** Gift id → the booster it triggers. */
  boosters: Map<string, BoosterKind>;
  /** Run the deadline worker in this process (the `worker` role). */
  worker: boolean;
  /** How long a quick-match request waits in the queue. */
  queueMs: number;
}

export function battlesConfig(config: Config): BattleConfig {
  const boosters = new Map<string, BoosterKind>();
  for (const part of config.BATTLE_BOOSTER_GIFTS.split(',')) {
    const [kind, gift] = part.split('=').map((p) => p.trim());
    if (kind && gift) boosters.set(gift, kind as BoosterKind);
  }
  return {
    inviteMs: config.BATTLE_INVITE_TTL_S * 1000,
    connectMs: config.BATTLE_CONNECT_S * 1000,
    durationMs: config.BATTLE_DURATION_S * 1000,
    resultMs: config.BATTLE_RESULT_S * 1000,
    settleMs: config.BATTLE_SETTLE_MS,
    tickMs: config.BATTLE_TICK_MS,
    rules: { ...DEFAULT_BOOSTER_RULES, speedRoundMs: config.BATTLE_SPEED_ROUND_S * 1000 },
    boosters,
    worker: config.ROLES.includes('worker'),
    queueMs: 60_000,
  };
}

export interface BattleInstruments {
  /** A battle decided (finished or forfeited), by reason and whether it was a draw. */
  decided(reason: 'finished' | 'forfeit', draw: boolean): void;
  /** One live-score flush: how long it took and how many gifts it counted. */
  flushed(seconds: number, gifts: number): void;
}

/** Every node hears battle state changes here, to know which sessions' gifts to count. */
export const BATTLES_TOPIC = 'onair:battles';
export interface BattleChange {
  battleId: string;
  status: BattleRow['status'];
  sessions: string[];
}

/** The job kind of a battle's one deadline (keyed by battle id): expiry, start, final count, result end. */
export const DEADLINE_JOB = 'battle.deadline';
