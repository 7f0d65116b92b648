import { randomBytes } from 'node:crypto';
import {
  type Actor,
  advanceStreak,
  giftCost,
  isStreakable,
  STREAK_WINDOW_MS,
  type Streak,
} from '@onair/core';
import type {
  AdminGift,
  CreateGiftBody,
  Gift,
  GiftEvent,
  GiftReceipt,
  SendGiftBody,
  ServerFrame,
  TopGifters,
  UpdateGiftBody,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { GiftCatalogRow } from '../../db/schema.ts';
import { AppError, badRequest, conflict } from '../../errors.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { presentAdminGift, presentGift, presentGiftEvent, presentReceipt } from './gifts.presenter.ts';
import * as repo from './gifts.repository.ts';
import { createGroupCommitter, type Settled } from './group-commit.ts';
import { idempotencyConflict, requestHash } from './idempotency.ts';
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

export interface GiftsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  bus: Bus;
  log: Logger;
  platformShareBps: number;
  batch: { windowMs: number; maxBatch: number; concurrency: number };
  now?: () => number;
}

interface GiftRequest {
  sender: GiftSender;
  creator: { id: string; handle: string };
  giftId: string;
  quantity: number;
  comboId: string | null;
  key: string;
  hash: string;
  at: number;
}

const fail = (error: unknown): Settled<SentGift> => ({ ok: false, error });
const unknownGift = (id: string) => new AppError('gift.unknown', 404, `There is no gift called "${id}".`);
const roomOffline = (handle: string) =>
  new AppError('gift.room_offline', 409, `@${handle} is not LIVE right now. Gifts go to a LIVE room.`);
const insufficient = (balance: number, required: number) =>
  new AppError(
    'gift.insufficient_coins',
    402,
    `This gift costs ${required} coins and you have ${balance}. Buy coins to send it.`,
    { balance, required },
  );

/** Prometheus hooks, handed over by the routes plugin (the registry belongs to the app). */
export interface GiftInstruments {
  batch(stats: { size: number; seconds: number; failed: boolean }): void;
}

const CREATOR_CACHE_MAX = 50_000;
/**
 * How long a batch trusts a creator's LIVE session it looked up. The gift function checks the session
 * is still LIVE anyway (a stale entry costs a refused gift, never a gift to an ended session); reading
 * it before every batch would put a round trip in front of every commit.
 */
const SESSION_TTL_MS = 1_000;
/** How long a catalog read is kept: prices edited on another node apply within this. */
const CATALOG_TTL_MS = 5_000;
const STREAKS_MAX = 100_000;

/**
 * Gifting: a viewer's coins become a creator's diamonds in one transaction, and only then does the
 * room hear about it. Concurrent sends are group-committed; each keeps its own idempotency key and its
 * own outcome.
 */
export function createGiftsService(deps: GiftsDeps) {
  const { db, ledger, accounts, live, bus, log, now = Date.now } = deps;
  // Handles never change, so a handle → id lookup can be kept for the life of the process.
  const creators = new Map<string, { id: string; handle: string }>();
  // Streaks are display state: per process, rebuilt by the next sends after a restart.
  const streaks = new Map<string, Streak>();
  const listeners: ((event: GiftEvent) => void)[] = [];
  let instruments: GiftInstruments | null = null;
  // Unique across processes by the random prefix, and cheap: a gift storm makes one per gift.
  const streakPrefix = randomBytes(6).toString('base64url');
  let streakSeq = 0;
  const newStreakId = () => `${streakPrefix}${(++streakSeq).toString(36)}`;

  let catalogCache: { until: number; gifts: Promise<Map<string, GiftCatalogRow>> } | null = null;
  const liveCache = new Map<string, { sessionId: string; until: number }>();

  /** The whole catalog (a few dozen rows), inactive gifts included so they can be refused by name. */
  function catalogById(): Promise<Map<string, GiftCatalogRow>> {
    const at = now();
    if (!catalogCache || catalogCache.until <= at) {
      const gifts = repo
        .listGifts(db, { activeOnly: false })
        .then((rows) => new Map(rows.map((g) => [g.id, g])));
      catalogCache = { until: at + CATALOG_TTL_MS, gifts };
      // A failed read is not kept.
      gifts.catch(() => {
        if (catalogCache?.gifts === gifts) catalogCache = null;
      });
    }
    return catalogCache.gifts;
  }

  /** Creators' LIVE sessions, from the cache where fresh; a creator who is not LIVE is not cached. */
  async function liveSessions(creatorIds: string[]): Promise<Map<string, string>> {
    const at = now();
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of creatorIds) {
      const hit = liveCache.get(id);
      if (hit && hit.until > at) out.set(id, hit.sessionId);
      else missing.push(id);
    }
    if (missing.length > 0) {
      if (liveCache.size >= CREATOR_CACHE_MAX) liveCache.clear();
      for (const id of missing) liveCache.delete(id);
      for (const [id, sessionId] of await live.currentSessions(missing)) {
        liveCache.set(id, { sessionId, until: at + SESSION_TTL_MS });
        out.set(id, sessionId);
      }
    }
    return out;
  }

  async function resolveCreator(actor: Actor | null, handle: string) {
    const cached = creators.get(handle);
    if (cached) return cached;
    const user = await accounts.getByHandle(actor, handle);
    if (creators.size >= CREATOR_CACHE_MAX) creators.clear();
    const creator = { id: user.id, handle: user.handle };
    creators.set(handle, creator);
    return creator;
  }

  function pruneStreaks(at: number) {
    if (streaks.size < STREAKS_MAX) return;
    for (const [k, s] of streaks) if (at - s.lastAt > STREAK_WINDOW_MS) streaks.delete(k);
    if (streaks.size >= STREAKS_MAX) streaks.clear();
  }

  function broadcast(receipt: GiftReceipt, sender: GiftSender) {
    const event = presentGiftEvent(receipt, {
      id: sender.id,
      handle: sender.handle,
      displayName: sender.displayName,
    });
    const frame: ServerFrame = { type: 'gift', ...event };
    bus
      .publish(topics.stream(event.sessionId), frame)
      .catch((err) => log.warn({ err }, 'gift publish failed'));
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        log.error({ err }, 'gift listener failed');
      }
    }
  }

  /**
   * Commits a batch. Retried keys are rare, so the first attempt does not look keys up: a key already
   * in the ledger makes the insert fail on its unique index, and only then is the batch run again
   * with the lookup (answering retries with their original result).
   */
  async function commit(items: GiftRequest[]): Promise<Settled<SentGift>[]> {
    try {
      return await commitOnce(items, false);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return commitOnce(items, true);
    }
  }

  /**
   * Answers the requests whose key is already in the ledger: the original receipt for the same
   * request, a conflict for a different one. Returns the indices whose key is not in the ledger.
   */
  async function answerFromLedger(
    items: GiftRequest[],
    indices: number[],
    results: (Settled<SentGift> | undefined)[],
  ): Promise<number[]> {
    if (indices.length === 0) return [];
    const existing = await ledger.findTransfers(indices.map((i) => items[i]!.key));
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
        db,
        replays.map((r) => r.transferId),
      );
      const byId = new Map(rows.map((r) => [r.transferId, r]));
      const gifts = new Map(
        (await repo.findGifts(db, [...new Set(rows.map((r) => r.giftId))])).map((g) => [g.id, g]),
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

  async function commitOnce(items: GiftRequest[], lookup: boolean): Promise<Settled<SentGift>[]> {
    const results: (Settled<SentGift> | undefined)[] = new Array(items.length);
    // The same key twice in one batch: the first is committed, the others get its result.
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

    const candidates = lookup ? await answerFromLedger(items, primaries, results) : primaries;
    const uniq = <T>(xs: T[]) => [...new Set(xs)];
    const [giftById, sessions, creatorAccounts, senderAccounts, sink, issuance] = await Promise.all([
      catalogById(),
      liveSessions(uniq(candidates.map((i) => items[i]!.creator.id))),
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

    // Requests refused by a rule; without the lookup, their key may still name an earlier gift.
    const refused: number[] = [];
    const refuse = (i: number, error: AppError) => {
      results[i] = fail(error);
      refused.push(i);
    };
    const todo: { i: number; gift: GiftCatalogRow; coins: number; sessionId: string }[] = [];
    for (const i of candidates) {
      const it = items[i]!;
      const gift = giftById.get(it.giftId);
      if (!gift?.active) {
        refuse(i, unknownGift(it.giftId));
        continue;
      }
      const sessionId = sessions.get(it.creator.id);
      if (!sessionId) {
        refuse(i, roomOffline(it.creator.handle));
        continue;
      }
      const coins = giftCost(gift.coins, it.quantity);
      if (!senderAccounts.has(it.sender.id)) {
        refuse(i, insufficient(0, coins));
        continue;
      }
      todo.push({ i, gift, coins, sessionId });
    }

    const committed: { i: number; receipt: GiftReceipt }[] = [];
    if (todo.length > 0) {
      // Streaks advance in batch order before the commit; a gift refused for want of coins keeps the
      // count it was given (a gap in "x17" at worst) but its streak state is not kept past the batch.
      const overlay = new Map<string, Streak>();
      const batch = todo.map(
        ({ i, gift, coins, sessionId }): repo.BatchGift & { streak: Streak; streakKey: string } => {
          const it = items[i]!;
          const streakKey = `${it.sender.id}:${sessionId}:${gift.id}`;
          const streak = advanceStreak(
            overlay.get(streakKey) ?? streaks.get(streakKey),
            { at: it.at, quantity: it.quantity, comboId: it.comboId, streakable: isStreakable(gift.tier) },
            newStreakId,
          );
          overlay.set(streakKey, streak);
          return {
            key: it.key,
            requestHash: it.hash,
            senderAccount: senderAccounts.get(it.sender.id)!,
            creatorAccount: creatorAccounts.get(it.creator.id)!,
            coins,
            sessionId,
            giftId: gift.id,
            quantity: it.quantity,
            streakId: streak.id,
            streakCount: streak.count,
            streak,
            streakKey,
          };
        },
      );
      const { outcomes, offlineSessions, createdAt } = await repo.sendGifts(db, {
        sink,
        issuance,
        platformShareBps: deps.platformShareBps,
        gifts: batch,
      });
      if (outcomes.length !== batch.length)
        throw new Error(`gift batch returned ${outcomes.length} outcomes for ${batch.length} gifts`);
      const kept = new Map<string, Streak>();
      outcomes.forEach((o, n) => {
        const { i, gift, coins } = todo[n]!;
        const g = batch[n]!;
        if (o.transferId === null) {
          if (offlineSessions.has(g.sessionId)) {
            liveCache.delete(items[i]!.creator.id);
            refuse(i, roomOffline(items[i]!.creator.handle));
          } else refuse(i, insufficient(o.balanceAfter, coins));
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
      pruneStreaks(now());
      for (const [k, s] of kept) streaks.set(k, s);
    }

    if (!lookup) await answerFromLedger(items, refused, results);

    // Charged first, then told: only committed gifts reach the room.
    for (const { i, receipt } of committed) {
      results[i] = { ok: true, value: { receipt, replayed: false } };
      broadcast(receipt, items[i]!.sender);
    }
    for (const [first, rest] of followers) {
      const r = results[first]!;
      for (const f of rest) results[f] = r.ok ? { ok: true, value: { ...r.value, replayed: true } } : r;
    }
    return results.map((r) => r ?? fail(new Error('gift left unsettled')));
  }

  const committer = createGroupCommitter<GiftRequest, SentGift>({
    ...deps.batch,
    commit,
    onBatch: ({ size, ms, failed }) => {
      instruments?.batch({ size, seconds: ms / 1000, failed });
      if (failed) log.warn({ size, ms }, 'gift batch failed; retrying its gifts one by one');
    },
  });

  return {
    async catalog(): Promise<Gift[]> {
      return (await repo.listGifts(db, { activeOnly: true })).map(presentGift);
    },

    /**
     * Sends a gift to a creator's current LIVE session. Resolves once the ledger has committed it;
     * bad input is refused before anything is charged.
     */
    async send(sender: GiftSender | null, creatorHandle: string, body: SendGiftBody): Promise<SentGift> {
      requireAccess(sender, 'gift.send', null);
      const creator = await resolveCreator(sender, creatorHandle);
      if (creator.id === sender.id) throw badRequest('gift.self', "You can't send a gift to yourself.");
      const comboId = body.comboId ?? null;
      return committer.submit({
        sender,
        creator,
        giftId: body.giftId,
        quantity: body.quantity,
        comboId,
        key: `gift:${sender.id}:${body.idempotencyKey}`,
        hash: requestHash([creator.id, body.giftId, body.quantity, comboId]),
        at: now(),
      });
    },

    async topGifters(actor: Actor | null, creatorHandle: string, limit = 10): Promise<TopGifters> {
      const creator = await resolveCreator(actor, creatorHandle);
      const sessionId = (await live.currentSessions([creator.id])).get(creator.id) ?? null;
      if (!sessionId) return { sessionId: null, gifters: [] };
      const rows = await repo.topGifters(db, sessionId, limit);
      return {
        sessionId,
        gifters: rows.map((r) => ({
          user: { id: r.id, handle: r.handle, displayName: r.displayName, avatarUrl: r.avatarUrl },
          coins: r.coins,
        })),
      };
    },

    /** Other domains (battles, metrics) hear about a gift here, after it committed. */
    onGift(listener: (event: GiftEvent) => void): () => void {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },

    async adminCatalog(actor: Actor | null): Promise<AdminGift[]> {
      requireAccess(actor, 'economy.manage', null);
      return (await repo.listGifts(db, { activeOnly: false })).map(presentAdminGift);
    },

    async createGift(actor: Actor | null, body: CreateGiftBody): Promise<AdminGift> {
      requireAccess(actor, 'economy.manage', null);
      const row = await repo.insertGift(db, body);
      if (!row) throw conflict('catalog.id_taken', `A gift called "${body.id}" already exists.`);
      catalogCache = null;
      log.info({ by: actor.id, gift: row.id, coins: row.coins }, 'gift added to the catalog');
      return presentAdminGift(row);
    },

    async updateGift(actor: Actor | null, id: string, body: UpdateGiftBody): Promise<AdminGift> {
      requireAccess(actor, 'economy.manage', null);
      const row = await repo.updateGift(db, id, body);
      if (!row) throw unknownGift(id);
      catalogCache = null;
      log.info({ by: actor.id, gift: id, patch: body }, 'gift updated');
      return presentAdminGift(row);
    },

    instrument(hooks: GiftInstruments): void {
      instruments = hooks;
    },

    /** Waits for gifts already submitted to commit (shutdown). */
    close: () => committer.close(),
    get pending() {
      return committer.pending;
    },
  };
}

export type GiftsService = ReturnType<typeof createGiftsService>;
