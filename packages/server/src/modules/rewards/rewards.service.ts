import {
  type Actor,
  bonusDiamonds,
  localMidnight,
  maxPerLiveBps,
  maxWeeklyBps,
  nextPeriod,
  type Period,
  parseLocalDate,
  percentToBps,
  periodAt,
  weekLiveProgress,
  weeklyBonusRate,
} from '@onair/core';
import type { StudioRewards } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { badRequest } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { Ledger } from '../economy/ledger.ts';
import type { RewardsConfig } from './rewards.config.ts';
import { presentMissions, presentPayout } from './rewards.presenter.ts';
import { creatorDiamonds, endedUnsettled, livesOf } from './rewards.read-model.ts';
import * as repo from './rewards.repository.ts';
import { type SettlementDeps, settleLive, settleWeekStep } from './settlement.ts';
import { noWeeklyInputs, type WeeklyInputs } from './weekly-inputs.ts';

export const REWARD_JOBS = {
  live: 'rewards.live',
  weekly: 'rewards.weekly',
  sweep: 'rewards.sweep',
} as const;
const WEEKLY = { kind: 'weekly' } as const;
/** How far back the sweep looks for ended LIVEs nobody settled. */
const SWEEP_LOOKBACK_MS = 8 * 86_400_000;
/** A LIVE that ended this recently is left to the job its end scheduled. */
const SWEEP_GRACE_MS = 60_000;

interface WeekPayload {
  start: number;
  end: number;
  /** null: the week's list is not made yet; '' made; else the last creator id paid. */
  cursor: string | null;
}

export interface RewardsDeps {
  db: Db;
  ledger: Ledger;
  jobs: Jobs;
  events: DomainEvents;
  config: RewardsConfig;
  /** Fan clubs' and leagues' read models; without them nobody has active fans or a league. */
  inputs?: WeeklyInputs;
  now: () => number;
  log: Logger;
}

/**
 * LIVE Rewards: bonuses from the rewards pool, per LIVE as each ends and per week on Monday, both
 * as durable jobs; the studio page; the operator's "settle this week now". See README.md.
 */
export function createRewardsService(deps: RewardsDeps) {
  const { db, jobs, config, now, log } = deps;
  const settlement: SettlementDeps = {
    ledger: deps.ledger,
    table: config.table,
    zone: config.zone,
    inputs: deps.inputs ?? noWeeklyInputs,
  };

  const weekOf = (atMs: number): Period => periodAt(atMs, WEEKLY, config.zone);
  const weekPayload = (w: Period): WeekPayload => ({ start: w.start, end: w.end, cursor: null });

  jobs.register<{ sessionId?: string }>(REWARD_JOBS.live, async (ctx) => {
    const outcome = await settleLive(ctx.trx, settlement, ctx.job.key);
    if (outcome === 'missing') log.warn({ sessionId: ctx.job.key }, 'no such LIVE to settle');
  });

  jobs.register<WeekPayload>(
    REWARD_JOBS.weekly,
    async (ctx) => {
      const p = ctx.job.payload;
      const week: Period = { key: ctx.job.key, start: p.start, end: p.end };
      const step = await settleWeekStep(ctx.trx, settlement, week, p.cursor, config.weeklyBatch, now());
      if (step.done) {
        // The chain goes on: the next week is settled when it ends. Its job, if a node's start made
        // it already, has not begun (its week is not over), so scheduling it again changes nothing.
        const next = nextPeriod(week, WEEKLY, config.zone);
        await jobs.schedule(
          REWARD_JOBS.weekly,
          next.key,
          next.end + config.weeklyGraceMs,
          weekPayload(next),
          ctx.trx,
        );
        ctx.afterCommit(() => log.info({ week: week.key }, 'weekly rewards settled'));
        return;
      }
      // Each batch commits with its place in the list; due now, so jobs due earlier still go first.
      await jobs.schedule(REWARD_JOBS.weekly, week.key, now(), { ...p, cursor: step.cursor }, ctx.trx);
    },
    { maxAttempts: Number.MAX_SAFE_INTEGER, backoffMs: (a) => Math.min(1_000 * 2 ** (a - 1), 300_000) },
  );

  jobs.register(
    REWARD_JOBS.sweep,
    async (ctx) => {
      const at = now();
      const missed = await endedUnsettled(ctx.trx, at - SWEEP_LOOKBACK_MS, at - SWEEP_GRACE_MS, 500);
      for (const id of missed) await jobs.schedule(REWARD_JOBS.live, id, at, {}, ctx.trx);
      if (missed.length > 0) log.warn({ sessions: missed.length }, 'settling ended LIVEs no job settled');
      await jobs.schedule(REWARD_JOBS.sweep, 'all', at + config.sweepMs, {}, ctx.trx);
    },
    { maxAttempts: Number.MAX_SAFE_INTEGER, backoffMs: () => config.sweepMs },
  );

  // The fast path; the sweep catches a node that died between the session's end and this.
  deps.events.on('live.session_ended', async ({ sessionId }) => {
    await jobs.schedule(REWARD_JOBS.live, sessionId, now());
  });

  async function ensureJob(kind: string, key: string, runAt: number, payload: unknown) {
    if (!(await jobs.find(kind, key))) await jobs.schedule(kind, key, runAt, payload);
  }

  /** One batch per transaction until the week is paid; the same steps as the job. */
  async function runWeek(week: Period): Promise<{ week: string; payouts: number; bonusDiamonds: number }> {
    let cursor: string | null = null;
    for (;;) {
      const step: Awaited<ReturnType<typeof settleWeekStep>> = await db
        .transaction()
        .execute((trx) => settleWeekStep(trx, settlement, week, cursor, config.weeklyBatch, now()));
      cursor = step.cursor;
      if (step.done) break;
    }
    return { week: week.key, ...(await repo.periodSummary(db, 'weekly', week.key)) };
  }

  return {
    /** Makes sure the sweep and this week's settlement are scheduled (every node may call it). */
    async start(): Promise<void> {
      await deps.ledger.systemAccount('rewards_pool');
      const at = now();
      await ensureJob(REWARD_JOBS.sweep, 'all', at + config.sweepMs, {});
      const week = weekOf(at);
      await ensureJob(REWARD_JOBS.weekly, week.key, week.end + config.weeklyGraceMs, weekPayload(week));
    },

    weekOf,

    /**
     * Settles the week holding local date `date` (YYYY-MM-DD) now, for every creator with diamonds in
     * it (`onair settle-rewards --week`). A week that has not ended is refused and nothing moves;
     * creators already paid for it are skipped.
     */
    async settleWeek(date: string) {
      const day = parseLocalDate(date);
      if (day === null) throw badRequest('rewards.bad_period', `"${date}" is not a date like 2026-03-02`);
      return runWeek(weekOf(localMidnight(day, config.zone)));
    },

    runWeek,

    /** The per-LIVE settlement of one session, in its own transaction (tests, tools). */
    settleLive: (sessionId: string) =>
      db.transaction().execute((trx) => settleLive(trx, settlement, sessionId)),

    /** The studio's Rewards page: this week's missions with progress, and the creator's payouts. */
    async studio(actor: Actor | null): Promise<StudioRewards> {
      requireAccess(actor, 'studio.read', { ownerId: actor?.id ?? '' });
      const me = actor!.id;
      const at = now();
      const week = weekOf(at);
      const lives = await livesOf(db, [me], week.start, week.end, at);
      const progress = weekLiveProgress(lives, week, config.zone, config.table);
      const fans = (await settlement.inputs.activeFans(db, [me], new Date(at))).get(me) ?? 0;
      const league =
        (await settlement.inputs.league(db, [me], new Date(week.start), new Date(week.end))).get(me) ?? null;
      const diamonds = await creatorDiamonds(db, me, week.start, Math.min(at, week.end));
      const rate = weeklyBonusRate({ ...progress, activeFans: fans, league }, config.table);
      const soFar = bonusDiamonds(diamonds, rate);
      const [rows, totals] = await Promise.all([repo.payoutsOf(db, me, 50), repo.payoutTotals(db, me)]);
      return {
        timeZone: config.zone,
        week: {
          key: week.key,
          start: new Date(week.start).toISOString(),
          end: new Date(week.end).toISOString(),
        },
        progress: {
          liveDays: progress.liveDays,
          longestLiveMin: Math.floor(progress.longestLiveMs / 60_000),
          activeFans: fans,
          league,
          diamondsThisWeek: diamonds,
        },
        missions: presentMissions(config.table, { ...progress, activeFans: fans, league }, rate),
        weeklySoFar: {
          percent: rate.bps / 100,
          bonusDiamonds: soFar.diamonds,
          explanation: soFar.explanation,
        },
        maxPercent: {
          perLive: maxPerLiveBps(config.table) / 100,
          weekly: maxWeeklyBps(config.table) / 100,
          cap: percentToBps(config.table.capPercent) / 100,
        },
        payouts: rows.map(presentPayout),
        totals,
      };
    },
  };
}

export type RewardsService = ReturnType<typeof createRewardsService>;
