import { type Actor, advanceStreak, giftCost, isStreakable, type Streak } from '@onair/core';
import type { GiftReceipt } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import type { GiftCatalogRow } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { GiftLookups } from './gift-lookups.ts';
import type { StreakBook } from './gift-streaks.ts';
import { presentReceipt } from './gifts.presenter.ts';
import * as repo from './gifts.repository.ts';
import type { Settled } from './group-commit.ts';
import { idempotencyConflict } from './idempotency.ts';
import { isDuplicateKey } from './ledger.repository.ts';
import type { Ledger } from './ledger.ts';

/** The signed-in sender, with the name the room shows. */
export interface GiftSender extends Actor {
  handle: string;
  displayName: string;
}

export interface SentGift {
  receipt: GiftReceipt;
  /** True when this answers a retry of an already committed gift. */
  replayed: boolean;
}

/** One send as the group committer queues it. */
export interface GiftRequest {
  sender: GiftSender;
  creator: { id: string; handle: string };
  giftId: string;
  quantity: number;
  comboId: string | null;
  key: string;
  hash: string;
  at: number;
}

export const unknownGift = (id: string) =>
  new AppError('gift.unknown', 404, `There is no gift called "${id}".`);
const roomOffline = (handle: string) =>
  new AppError('gift.room_offline', 409, `@${handle} is not LIVE right now. Gifts go to a LIVE room.`);
const insufficient = (balance: number, required: number) =>
  new AppError(
    'gift.insufficient_coins',
    402,
    `This gift costs ${required} coins and you have ${balance}. Buy coins to send it.`,
    { balance, required },
  );
const fail = (error: unknown): Settled<SentGift> => ({ ok: false, error });

export interface GiftCommitDeps {
  db: Db;
  ledger: Ledger;
  lookups: GiftLookups;
  streaks: StreakBook;
  platformShareBps: number;
  /** Tells the room and the listeners about a committed gift. */
  publish(receipt: GiftReceipt, sender: GiftSender): void;
}

/** One batch on its way through the steps: the requests, their outcomes so far, and who was refused. */
interface BatchState {
  items: GiftRequest[];
  results: (Settled<SentGift> | undefined)[];
  /** Requests refused by a rule; without the ledger lookup, their key may still name an earlier gift. */
  refused: number[];
}

/** What a batch reads before it commits (cached prices and sessions, the ledger's account ids). */
interface Resolved {
  giftById: Map<string, GiftCatalogRow>;
  sessions: Map<string, string>;
  creatorAccounts: Map<string, number>;
  senderAccounts: Map<string, number>;
  sink: number;
  issuance: number;
}

/** A request that passed the rules, with its price and session. */
interface Admitted {
  i: number;
  gift: GiftCatalogRow;
  coins: number;
  sessionId: string;
}

type StreakedGift = repo.BatchGift & { streak: Streak; streakKey: string };

function refuse(state: BatchState, i: number, error: AppError): void {
  state.results[i] = fail(error);
  state.refused.push(i);
}

/**
 * The same key twice in one batch: the first is committed (a primary), the others (its followers)
 * get its result; the same key with a different request is a conflict at once.
 */
function splitRepeatedKeys(state: BatchState): { primaries: number[]; followers: Map<number, number[]> } {
  const { items, results } = state;
  const primaries: number[] = [];
  const followers = new Map<number, number[]>();
  const firstByKey = new Map<string, number>();
  items.forEach((it, i) => {
    const first = firstByKey.get(it.key);
    if (first === undefined) {
      firstByKey.set(it.key, i);
      primaries.push(i);
    } else if (items[first]!.hash === it.hash) followers.set(first, [...(followers.get(first) ?? []), i]);
    else results[i] = fail(idempotencyConflict());
  });
  return { primaries, followers };
}

/** Prices, LIVE sessions and ledger accounts for the candidates, read together (one wait). */
async function resolvePricesAndSessions(
  deps: GiftCommitDeps,
  items: GiftRequest[],
  candidates: number[],
): Promise<Resolved> {
  const { ledger, lookups } = deps;
  const [giftById, sessions, creatorAccounts, senderAccounts, sink, issuance] = await Promise.all([
    lookups.catalogById(),
    lookups.liveSessions([...new Set(candidates.map((i) => items[i]!.creator.id))]),
    ledger.accountIds(
      candidates.map((i) => items[i]!.creator.id),
      'DIAMOND',
      true,
    ),
    ledger.accountIds(
      candidates.map((i) => items[i]!.sender.id),
      'COIN',
      false,
    ),
    ledger.systemAccount('coin_sink'),
    ledger.systemAccount('diamond_issuance'),
  ]);
  return { giftById, sessions, creatorAccounts, senderAccounts, sink, issuance };
}

/** The rules checked before the database: an active gift, a LIVE room, a sender with a wallet. */
function admit(state: BatchState, candidates: number[], resolved: Resolved): Admitted[] {
  const todo: Admitted[] = [];
  for (const i of candidates) {
    const it = state.items[i]!;
    const gift = resolved.giftById.get(it.giftId);
    if (!gift?.active) {
      refuse(state, i, unknownGift(it.giftId));
      continue;
    }
    const sessionId = resolved.sessions.get(it.creator.id);
    if (!sessionId) {
      refuse(state, i, roomOffline(it.creator.handle));
      continue;
    }
    const coins = giftCost(gift.coins, it.quantity);
    if (!resolved.senderAccounts.has(it.sender.id)) {
      refuse(state, i, insufficient(0, coins));
      continue;
    }
    todo.push({ i, gift, coins, sessionId });
  }
  return todo;
}

/**
 * The rows for the gift function. Streaks advance in batch order before the commit; a gift refused
 * for want of coins keeps the count it was given (a gap in "x17" at worst) but its streak state is
 * not kept past the batch.
 */
function buildBatch(
  items: GiftRequest[],
  todo: Admitted[],
  resolved: Resolved,
  streaks: StreakBook,
): StreakedGift[] {
  const overlay = new Map<string, Streak>();
  return todo.map(({ i, gift, coins, sessionId }): StreakedGift => {
    const it = items[i]!;
    const streakKey = `${it.sender.id}:${sessionId}:${gift.id}`;
    const streak = advanceStreak(
      overlay.get(streakKey) ?? streaks.get(streakKey),
      { at: it.at, quantity: it.quantity, comboId: it.comboId, streakable: isStreakable(gift.tier) },
      streaks.newId,
    );
    overlay.set(streakKey, streak);
    return {
      key: it.key,
      requestHash: it.hash,
      senderAccount: resolved.senderAccounts.get(it.sender.id)!,
      creatorAccount: resolved.creatorAccounts.get(it.creator.id)!,
      coins,
      sessionId,
      giftId: gift.id,
      quantity: it.quantity,
      streakId: streak.id,
      streakCount: streak.count,
      streak,
      streakKey,
    };
  });
}

/**
 * Receipts for the gifts the function committed; the others are refused (their session ended, or
 * the balance could not pay). Returns the receipts and the streaks to keep.
 */
function mapOutcomes(
  state: BatchState,
  todo: Admitted[],
  batch: StreakedGift[],
  sent: Awaited<ReturnType<typeof repo.sendGifts>>,
  lookups: GiftLookups,
): { committed: { i: number; receipt: GiftReceipt }[]; kept: Map<string, Streak> } {
  const { outcomes, offlineSessions, createdAt } = sent;
  if (outcomes.length !== batch.length)
    throw new Error(`gift batch returned ${outcomes.length} outcomes for ${batch.length} gifts`);
  const committed: { i: number; receipt: GiftReceipt }[] = [];
  const kept = new Map<string, Streak>();
  outcomes.forEach((o, n) => {
    const { i, gift, coins } = todo[n]!;
    const g = batch[n]!;
    if (o.transferId === null) {
      const creator = state.items[i]!.creator;
      if (offlineSessions.has(g.sessionId)) {
        lookups.forgetSession(creator.id);
        refuse(state, i, roomOffline(creator.handle));
      } else refuse(state, i, insufficient(o.balanceAfter, coins));
      return;
    }
    kept.set(g.streakKey, g.streak);
    committed.push({
      i,
      receipt: presentReceipt({
        transferId: o.transferId,
        sessionId: g.sessionId,
        gift,
        quantity: g.quantity,
        coins,
        diamonds: o.diamonds,
        balanceAfter: o.balanceAfter,
        streakId: g.streakId,
        streakCount: g.streakCount,
        createdAt,
      }),
    });
  });
  return { committed, kept };
}

/** Builds the batch, runs the gift function (one transaction) and reads its outcomes. */
async function commitAdmitted(
  deps: GiftCommitDeps,
  state: BatchState,
  todo: Admitted[],
  resolved: Resolved,
): Promise<{ i: number; receipt: GiftReceipt }[]> {
  const batch = buildBatch(state.items, todo, resolved, deps.streaks);
  const sent = await repo.sendGifts(deps.db, {
    sink: resolved.sink,
    issuance: resolved.issuance,
    platformShareBps: deps.platformShareBps,
    gifts: batch,
  });
  const { committed, kept } = mapOutcomes(state, todo, batch, sent, deps.lookups);
  deps.streaks.keep(kept);
  return committed;
}

/**
 * Answers the requests whose key is already in the ledger: the original receipt for the same
 * request, a conflict for a different one. Returns the indices whose key is not in the ledger.
 */
async function answerFromLedger(
  deps: GiftCommitDeps,
  state: BatchState,
  indices: number[],
): Promise<number[]> {
  if (indices.length === 0) return [];
  const { items, results } = state;
  const existing = await deps.ledger.findTransfers(indices.map((i) => items[i]!.key));
  const priorByKey = new Map(existing.map((t) => [t.idempotencyKey, t]));
  const replays: { i: number; transferId: number }[] = [];
  const fresh: number[] = [];
  for (const i of indices) {
    const prior = priorByKey.get(items[i]!.key);
    if (!prior) fresh.push(i);
    else if (prior.kind === 'gift' && prior.requestHash === items[i]!.hash)
      replays.push({ i, transferId: prior.id });
    else results[i] = fail(idempotencyConflict());
  }
  if (replays.length > 0) {
    const rows = await repo.findReceipts(
      deps.db,
      replays.map((r) => r.transferId),
    );
    const byId = new Map(rows.map((r) => [r.transferId, r]));
    const gifts = new Map(
      (await repo.findGifts(deps.db, [...new Set(rows.map((r) => r.giftId))])).map((g) => [g.id, g]),
    );
    for (const { i, transferId } of replays) {
      const row = byId.get(transferId);
      const gift = row && gifts.get(row.giftId);
      results[i] =
        row && gift
          ? {
              ok: true,
              value: {
                replayed: true,
                receipt: presentReceipt({ ...row, gift, createdAt: row.transferCreatedAt }),
              },
            }
          : fail(new Error(`gift transfer ${transferId} has no gift row`));
    }
  }
  return fresh;
}

/** Charged first, then told: only committed gifts reach the room. Followers get their primary's result. */
function settleAndPublish(
  deps: GiftCommitDeps,
  state: BatchState,
  committed: { i: number; receipt: GiftReceipt }[],
  followers: Map<number, number[]>,
): Settled<SentGift>[] {
  const { items, results } = state;
  for (const { i, receipt } of committed) {
    results[i] = { ok: true, value: { receipt, replayed: false } };
    deps.publish(receipt, items[i]!.sender);
  }
  for (const [first, rest] of followers) {
    const r = results[first]!;
    for (const f of rest) results[f] = r.ok ? { ok: true, value: { ...r.value, replayed: true } } : r;
  }
  return results.map((r) => r ?? fail(new Error('gift left unsettled')));
}

/** One pass over a batch; `lookup` answers keys already in the ledger before anything is charged. */
async function commitOnce(
  deps: GiftCommitDeps,
  items: GiftRequest[],
  lookup: boolean,
): Promise<Settled<SentGift>[]> {
  const state: BatchState = { items, results: new Array(items.length), refused: [] };
  const { primaries, followers } = splitRepeatedKeys(state);
  const candidates = lookup ? await answerFromLedger(deps, state, primaries) : primaries;
  const resolved = await resolvePricesAndSessions(deps, items, candidates);
  const todo = admit(state, candidates, resolved);
  const committed = todo.length > 0 ? await commitAdmitted(deps, state, todo, resolved) : [];
  if (!lookup) await answerFromLedger(deps, state, state.refused);
  return settleAndPublish(deps, state, committed, followers);
}

/**
 * Commits a batch of gifts for the group committer. Retried keys are rare, so the first attempt does
 * not look keys up: a key already in the ledger makes the insert fail on its unique index, and only
 * then is the batch run again with the lookup (answering retries with their original result).
 */
export function createGiftCommit(deps: GiftCommitDeps) {
  return async function commit(items: GiftRequest[]): Promise<Settled<SentGift>[]> {
    try {
      return await commitOnce(deps, items, false);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return commitOnce(deps, items, true);
    }
  };
}
