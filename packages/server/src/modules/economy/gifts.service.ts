import type { Actor } from '@onair/core';
import {
  type AdminGift,
  type CreateGiftBody,
  FAN_CLUB_GIFT_ID,
  type Gift,
  type GiftReceipt,
  type SendGiftBody,
  type ServerFrame,
  type TopGifters,
  type UpdateGiftBody,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { badRequest, conflict } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import {
  createGiftCommit,
  type GiftRequest,
  type GiftSender,
  type SentGift,
  unknownGift,
} from './gift-commit.ts';
import { createGiftLookups } from './gift-lookups.ts';
import { createStreakBook } from './gift-streaks.ts';
import { presentAdminGift, presentGift, presentGiftEvent } from './gifts.presenter.ts';
import * as repo from './gifts.repository.ts';
import { createGroupCommitter } from './group-commit.ts';
import { requestHash } from './idempotency.ts';
import type { Ledger } from './ledger.ts';

export type { GiftSender, SentGift } from './gift-commit.ts';

export interface GiftsDeps {
  db: Db;
  ledger: Ledger;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  bus: Bus;
  /** Where `economy.gift_committed` is told (battles' live score listens on this node). */
  events: Pick<DomainEvents, 'emit'>;
  log: Logger;
  platformShareBps: number;
  batch: { windowMs: number; maxBatch: number; concurrency: number };
  now?: () => number;
}

/** Prometheus hooks, handed over by the routes plugin (the registry belongs to the app). */
export interface GiftInstruments {
  batch(stats: { size: number; seconds: number; failed: boolean }): void;
}

/**
 * Gifting: a viewer's coins become a creator's diamonds in one transaction, and only then does the
 * room hear about it. Concurrent sends are group-committed (`gift-commit.ts`); each keeps its own
 * idempotency key and its own outcome.
 */
export function createGiftsService(deps: GiftsDeps) {
  const { db, ledger, accounts, live, bus, events, log, now = Date.now } = deps;
  const lookups = createGiftLookups({ db, accounts, live, now });
  let instruments: GiftInstruments | null = null;

  function publish(receipt: GiftReceipt, sender: GiftSender) {
    const event = presentGiftEvent(receipt, {
      id: sender.id,
      handle: sender.handle,
      displayName: sender.displayName,
    });
    const frame: ServerFrame = { type: 'gift', ...event };
    bus
      .publish(topics.stream(event.sessionId), frame)
      .catch((err) => log.warn({ err }, 'gift publish failed'));
    void events.emit('economy.gift_committed', event);
  }

  const commit = createGiftCommit({
    db,
    ledger,
    lookups,
    streaks: createStreakBook(now),
    platformShareBps: deps.platformShareBps,
    publish,
  });

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
      const creator = await lookups.resolveCreator(sender, creatorHandle);
      if (creator.id === sender.id && body.giftId === FAN_CLUB_GIFT_ID)
        throw badRequest('fanclub.own_club', "You can't join your own fan club.");
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
      const creator = await lookups.resolveCreator(actor, creatorHandle);
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

    async adminCatalog(actor: Actor | null): Promise<AdminGift[]> {
      requireAccess(actor, 'economy.manage', null);
      return (await repo.listGifts(db, { activeOnly: false })).map(presentAdminGift);
    },

    async createGift(actor: Actor | null, body: CreateGiftBody): Promise<AdminGift> {
      requireAccess(actor, 'economy.manage', null);
      const row = await repo.insertGift(db, body);
      if (!row) throw conflict('catalog.id_taken', `A gift called "${body.id}" already exists.`);
      lookups.forgetCatalog();
      log.info({ by: actor.id, gift: row.id, coins: row.coins }, 'gift added to the catalog');
      return presentAdminGift(row);
    },

    async updateGift(actor: Actor | null, id: string, body: UpdateGiftBody): Promise<AdminGift> {
      requireAccess(actor, 'economy.manage', null);
      const row = await repo.updateGift(db, id, body);
      if (!row) throw unknownGift(id);
      lookups.forgetCatalog();
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
