import type { Authenticated } from './accounts.service.ts';

/** What makes cached credentials stale: a token deleted (logout, revoke) or a user changed (role, profile). */
export type AuthInvalidation = { tokenId: string } | { userId: string };

interface Entry {
  auth: Authenticated;
  /** When the entry stops being trusted: the cache TTL or the token's own expiry, whichever is first. */
  until: number;
}

const MAX_ENTRIES = 100_000;

/**
 * Resolved credentials for a few seconds, so a burst of requests from one client costs one token
 * lookup instead of one per request. Logout, revocation and role changes invalidate at once on this
 * node and, through the bus, on the others; the TTL bounds staleness if a bus message is lost.
 */
export function createTokenCache(ttlMs: number, now: () => number = Date.now) {
  const byHash = new Map<string, Entry>();

  return {
    get enabled(): boolean {
      return ttlMs > 0;
    },

    get(tokenHash: string): Authenticated | undefined {
      const entry = byHash.get(tokenHash);
      if (!entry) return undefined;
      if (entry.until <= now()) {
        byHash.delete(tokenHash);
        return undefined;
      }
      return entry.auth;
    },

    set(tokenHash: string, auth: Authenticated, expiresAt: Date | null): void {
      if (ttlMs <= 0) return;
      // Dropping everything at the cap is crude but bounded, and costs one lookup per client after.
      if (byHash.size >= MAX_ENTRIES) byHash.clear();
      const until = Math.min(now() + ttlMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
      byHash.set(tokenHash, { auth, until });
    },

    invalidate(what: AuthInvalidation): void {
      for (const [hash, { auth }] of byHash) {
        if ('tokenId' in what ? auth.tokenId === what.tokenId : auth.actor.id === what.userId)
          byHash.delete(hash);
      }
    },
  };
}
