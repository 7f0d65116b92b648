import type { Actor } from '@onair/core';
import type { Db } from '../../db/database.ts';
import type { GiftCatalogRow } from '../../db/schema.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import * as repo from './gifts.repository.ts';

const CREATOR_CACHE_MAX = 50_000;
/**
 * How long a batch trusts a creator's LIVE session it looked up. The gift function checks the session
 * is still LIVE anyway (a stale entry costs a refused gift, never a gift to an ended session); reading
 * it before every batch would put a round trip in front of every commit.
 */
const SESSION_TTL_MS = 1_000;
/** How long a catalog read is kept: prices edited on another node apply within this. */
const CATALOG_TTL_MS = 5_000;

export interface GiftLookupDeps {
  db: Db;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  now: () => number;
}

/**
 * What a gift batch reads before it commits, kept in memory so a batch is one round trip: the
 * catalog's prices, creators' LIVE sessions and creators' ids by handle.
 */
export function createGiftLookups({ db, accounts, live, now }: GiftLookupDeps) {
  // Handles never change, so a handle → id lookup can be kept for the life of the process.
  const creators = new Map<string, { id: string; handle: string }>();
  let catalogCache: { until: number; gifts: Promise<Map<string, GiftCatalogRow>> } | null = null;
  const liveCache = new Map<string, { sessionId: string; until: number }>();

  return {
    /** The whole catalog (a few dozen rows), inactive gifts included so they can be refused by name. */
    catalogById(): Promise<Map<string, GiftCatalogRow>> {
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
    },

    /** A catalog edit on this node applies to the next batch. */
    forgetCatalog(): void {
      catalogCache = null;
    },

    /** Creators' LIVE sessions, from the cache where fresh; a creator who is not LIVE is not cached. */
    async liveSessions(creatorIds: string[]): Promise<Map<string, string>> {
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
    },

    /** The gift function found this creator's session ended: the next batch asks again. */
    forgetSession(creatorId: string): void {
      liveCache.delete(creatorId);
    },

    async resolveCreator(actor: Actor | null, handle: string): Promise<{ id: string; handle: string }> {
      const cached = creators.get(handle);
      if (cached) return cached;
      const user = await accounts.getByHandle(actor, handle);
      if (creators.size >= CREATOR_CACHE_MAX) creators.clear();
      const creator = { id: user.id, handle: user.handle };
      creators.set(handle, creator);
      return creator;
    },
  };
}

export type GiftLookups = ReturnType<typeof createGiftLookups>;
