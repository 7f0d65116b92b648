import {
  type BonusItem,
  bonusDiamonds,
  type DiamondBonus,
  type Period,
  perLiveBonusRate,
  type RewardTable,
  weekLiveProgress,
  weeklyBonusRate,
} from '@onair/core';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { requestHash } from '../economy/idempotency.ts';
import type { Ledger } from '../economy/ledger.ts';
import { diamondsByCreator, livesOf, sessionFacts } from './rewards.read-model.ts';
import * as repo from './rewards.repository.ts';
import type { WeeklyInputs } from './weekly-inputs.ts';

/**
 * Paying bonuses: per LIVE when it ends, per week for every creator with diamonds in it. Each
 * function runs inside the caller's transaction (a job's, or one per batch from the CLI), so the
 * transfers and the payout rows commit together or not at all.
 */

export interface SettlementDeps {
  ledger: Ledger;
  table: RewardTable;
  zone: string;
  inputs: WeeklyInputs;
}

export interface PayoutDraft {
  creatorId: string;
  kind: 'live' | 'weekly';
  periodKey: string;
  sessionId: string | null;
  periodStart: number;
  periodEnd: number;
  bonus: DiamondBonus;
  items: BonusItem[];
}

export const notEnded = (what: string, endsAt: number | null) =>
  new AppError(
    'rewards.period_not_ended',
    409,
    `${what} has not ended yet${endsAt === null ? '' : ` (it ends ${new Date(endsAt).toISOString()})`}; nothing was paid.`,
    endsAt === null ? undefined : { endsAt: new Date(endsAt).toISOString() },
  );

/** The transfer key of a payout: one per creator, mission kind and period, ever. */
export const payoutKey = (d: Pick<PayoutDraft, 'kind' | 'periodKey' | 'creatorId'>) =>
  `reward:${d.kind}:${d.periodKey}:${d.creatorId}`;

/**
 * Locks the pool and these creators' DIAMOND accounts (ascending ids, as every ledger writer does),
 * then builds the drafts — so gift transactions to them under way have committed and are counted
 * by a builder that reads them (per LIVE) —
 * skips creators already paid for the period, and pays the rest: one transfer per bonus above zero,
 * one payout row each (a 0-diamond row too, so the period is known to be settled). Returns rows written.
 */
export async function payOut(
  trx: Db,
  ledger: Ledger,
  creatorIds: readonly string[],
  build: () => Promise<PayoutDraft[]>,
): Promise<number> {
  const pool = await ledger.systemAccount('rewards_pool', trx);
  const accounts = await ledger.accountIds([...creatorIds], 'DIAMOND', false, trx);
  const book = await ledger.lock(trx, [pool, ...accounts.values()]);
  const drafts = await build();
  if (drafts.length === 0) return 0;
  const byPeriod = new Map<string, PayoutDraft[]>();
  for (const d of drafts) {
    const k = `${d.kind}\u0000${d.periodKey}`;
    const list = byPeriod.get(k);
    if (list) list.push(d);
    else byPeriod.set(k, [d]);
  }
  const todo: PayoutDraft[] = [];
  for (const list of byPeriod.values()) {
    const paid = await repo.paidAmong(
      trx,
      list[0]!.kind,
      list[0]!.periodKey,
      list.map((d) => d.creatorId),
    );
    todo.push(...list.filter((d) => !paid.has(d.creatorId)));
  }
  for (const d of todo) {
    if (d.bonus.diamonds === 0) continue;
    const account = accounts.get(d.creatorId);
    // Diamonds were earned, so the account exists; a missing one means the facts and the ledger disagree.
    if (account === undefined) throw new Error(`creator ${d.creatorId} has diamonds but no DIAMOND account`);
    const posted = book.post({
      key: payoutKey(d),
      kind: 'reward',
      requestHash: requestHash([d.kind, d.periodKey, d.creatorId, d.bonus.base, d.bonus.bps]),
      postings: [
        { accountId: pool, amount: -d.bonus.diamonds },
        { accountId: account, amount: d.bonus.diamonds },
      ],
    });
    if (!posted.ok) throw new Error(`reward ${payoutKey(d)} refused by the ledger`);
  }
  const transfers = await book.flush(trx);
  return repo.insertPayouts(
    trx,
    todo.map((d) => ({
      creatorId: d.creatorId,
      kind: d.kind,
      periodKey: d.periodKey,
      sessionId: d.sessionId,
      periodStart: new Date(d.periodStart),
      periodEnd: new Date(d.periodEnd),
      baseDiamonds: d.bonus.base,
      bps: d.bonus.bps,
      bonusDiamonds: d.bonus.diamonds,
      items: d.items.map((i) => ({ mission: i.mission, bps: i.bps, label: i.label })),
      explanation: d.bonus.explanation,
      transferId: d.bonus.diamonds === 0 ? null : (transfers.get(payoutKey(d))?.id ?? null),
    })),
  );
}

export type LiveOutcome = 'paid' | 'already' | 'missing';

/** The per-LIVE bonus of one ended session. A session still LIVE is refused, nothing paid. */
export async function settleLive(trx: Db, deps: SettlementDeps, sessionId: string): Promise<LiveOutcome> {
  const first = await sessionFacts(trx, sessionId);
  if (!first) return 'missing';
  if (first.status !== 'ended' || first.endMs === null) throw notEnded(`LIVE ${sessionId}`, null);
  const written = await payOut(trx, deps.ledger, [first.creatorId], async () => {
    const f = (await sessionFacts(trx, sessionId))!;
    const rate = perLiveBonusRate(
      { durationMs: (f.endMs ?? f.startMs) - f.startMs, newFollowers: f.newFollowers },
      deps.table,
    );
    return [
      {
        creatorId: f.creatorId,
        kind: 'live',
        periodKey: f.sessionId,
        sessionId: f.sessionId,
        periodStart: f.startMs,
        periodEnd: f.endMs ?? f.startMs,
        bonus: bonusDiamonds(f.diamonds, rate),
        items: rate.items,
      },
    ];
  });
  return written > 0 ? 'paid' : 'already';
}

export interface WeekStep {
  /** Where the next step starts: '' once the list is made, then the last creator id paid. */
  cursor: string;
  done: boolean;
  paid: number;
}

/**
 * One step of a week's settlement. The first lists the week's creators and diamonds; each later one
 * pays the next `batch` creators after `cursor`. Steps are idempotent: a step re-run after a crash
 * skips whoever its earlier run paid.
 */
export async function settleWeekStep(
  trx: Db,
  deps: SettlementDeps,
  week: Period,
  cursor: string | null,
  batch: number,
  nowMs: number,
): Promise<WeekStep> {
  if (nowMs < week.end) throw notEnded(`week ${week.key}`, week.end);
  if (cursor === null) {
    await repo.fillWeekTotals(trx, week.key, diamondsByCreator(week.start, week.end));
    return { cursor: '', done: false, paid: 0 };
  }
  const rows = await repo.weekTotalsAfter(trx, week.key, cursor || null, batch);
  if (rows.length === 0) return { cursor, done: true, paid: 0 };
  const ids = rows.map((r) => r.creatorId);
  // The week's figures are fixed once it has ended (its diamonds are listed), so they are read before
  // the creators' accounts are locked: gifts to them wait only for the writes.
  const drafts = await weekDrafts(trx, deps, week, rows, nowMs);
  const paid = await payOut(trx, deps.ledger, ids, async () => drafts);
  return { cursor: ids[ids.length - 1]!, done: rows.length < batch, paid };
}

async function weekDrafts(
  trx: Db,
  deps: SettlementDeps,
  week: Period,
  rows: { creatorId: string; diamonds: number }[],
  nowMs: number,
): Promise<PayoutDraft[]> {
  const ids = rows.map((r) => r.creatorId);
  // One after the other: on the embedded database the transaction is a single connection.
  const lives = await livesOf(trx, ids, week.start, week.end, nowMs);
  const fans = await deps.inputs.activeFans(trx, ids, new Date(week.end));
  const leagues = await deps.inputs.league(trx, ids, new Date(week.start), new Date(week.end));
  const livesBy = new Map<string, { startedAt: number; endedAt: number }[]>();
  for (const l of lives) {
    const list = livesBy.get(l.creatorId);
    if (list) list.push(l);
    else livesBy.set(l.creatorId, [l]);
  }
  return rows.map((r) => {
    const progress = weekLiveProgress(livesBy.get(r.creatorId) ?? [], week, deps.zone, deps.table);
    const rate = weeklyBonusRate(
      { ...progress, activeFans: fans.get(r.creatorId) ?? 0, league: leagues.get(r.creatorId) ?? null },
      deps.table,
    );
    return {
      creatorId: r.creatorId,
      kind: 'weekly' as const,
      periodKey: week.key,
      sessionId: null,
      periodStart: week.start,
      periodEnd: week.end,
      bonus: bonusDiamonds(r.diamonds, rate),
      items: rate.items,
    };
  });
}
