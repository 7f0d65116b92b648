import type { Actor } from '@onair/core';
import type {
  ApiToken,
  CreatedToken,
  ListUsersQuery,
  LoginBody,
  PublicUser,
  Role,
  SignupBody,
  UpdateProfileBody,
  UserList,
} from '@onair/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { badRequest, conflict, notFound, unauthorized } from '../../errors.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import type { Limiter } from '../../limits/rate-limits.ts';
import { tooMany } from '../../limits/rate-limits.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import { presentToken, presentUser } from './accounts.presenter.ts';
import * as repo from './accounts.repository.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { type AuthInvalidation, createTokenCache } from './token-cache.ts';
import { hashToken, looksLikeToken, newToken } from './tokens.ts';

/** Handles that would read as the platform speaking. */
const RESERVED_HANDLES = new Set([
  'admin',
  'administrator',
  'api',
  'onair',
  'support',
  'help',
  'live',
  'studio',
  'wallet',
  'settings',
  'login',
  'signup',
  'moderator',
  'system',
  'root',
]);

export interface Authenticated {
  actor: Actor;
  user: PublicUser;
  tokenId: string;
  kind: 'session' | 'api';
}

export interface AccountsDeps {
  db: Db;
  secretKey: string;
  sessionTtlMs: number;
  log: Logger;
  now?: () => Date;
  /** Invalidations reach the other nodes' credential caches over it. */
  bus?: Bus;
  /** How long a resolved credential is reused (0: look every request up). */
  authCacheMs?: number;
  /** Failed logins per handle, from any address: guessing one account's password from many machines. */
  loginFailures?: Limiter;
}

// Writing last_used_at on every request would turn every read into a write; once a minute is plenty.
const TOUCH_INTERVAL_MS = 60_000;

export function createAccountsService({
  db,
  secretKey,
  sessionTtlMs,
  log,
  now = () => new Date(),
  bus,
  authCacheMs = 0,
  loginFailures,
}: AccountsDeps) {
  const cache = createTokenCache(authCacheMs, () => now().getTime());
  if (bus && cache.enabled)
    bus
      .subscribe(topics.auth, (message) => cache.invalidate(message as AuthInvalidation))
      .catch((err) => log.error({ err }, 'auth invalidation subscribe failed: credentials stay cached'));

  /** Stops a credential (or all of a user's) working everywhere now, not when caches expire. */
  function forget(what: AuthInvalidation): void {
    if (!cache.enabled) return;
    cache.invalidate(what);
    bus?.publish(topics.auth, what).catch((err) => log.warn({ err }, 'auth invalidation publish failed'));
  }

  async function issueToken(executor: Db, userId: string, kind: 'session' | 'api', name: string) {
    const token = newToken(kind);
    const row = await repo.insertToken(executor, {
      userId,
      kind,
      name,
      tokenHash: hashToken(secretKey, token),
      expiresAt: kind === 'session' ? new Date(now().getTime() + sessionTtlMs) : null,
    });
    return { token, row };
  }

  return {
    /**
     * Creates an account and a session. The first account to sign up while there is no admin becomes
     * the admin; `role` (operator tools: the CLI, the demo) sets the role instead.
     */
    async signup(
      body: SignupBody,
      client: string,
      opts: { role?: Role } = {},
    ): Promise<{ user: PublicUser; token: string }> {
      if (RESERVED_HANDLES.has(body.handle)) {
        throw badRequest('user.handle_reserved', `@${body.handle} is reserved. Pick another handle.`);
      }
      const passwordHash = await hashPassword(body.password);
      const created = await db.transaction().execute(async (trx) => {
        await repo.lockUserCreation(trx);
        const first = opts.role === undefined && (await repo.countAdmins(trx)) === 0;
        const user = await repo.insertUser(trx, {
          handle: body.handle,
          displayName: body.displayName ?? body.handle,
          passwordHash,
          role: opts.role ?? (first ? 'admin' : 'viewer'),
          avatarUrl: null,
        });
        if (!user) return undefined;
        const { token } = await issueToken(trx, user.id, 'session', client);
        return { user, token, first };
      });
      if (!created) throw conflict('user.handle_taken', `@${body.handle} is taken. Pick another handle.`);
      if (created.first)
        log.warn(
          { handle: created.user.handle },
          `@${created.user.handle} is the first account and is now admin`,
        );
      return { user: presentUser(created.user), token: created.token };
    },

    async login(body: LoginBody, client: string): Promise<{ user: PublicUser; token: string }> {
      const locked = loginFailures ? await loginFailures.peek(body.handle) : 0;
      if (locked > 0)
        throw tooMany('request.rate_limited', 'Too many failed logins for this account.', locked);
      const user = await repo.findUserByHandle(db, body.handle);
      const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !ok) {
        // Counted for unknown handles too, so the answer never tells which handles exist.
        await loginFailures?.take(body.handle);
        throw unauthorized('auth.invalid_credentials', 'Wrong handle or password.');
      }
      await loginFailures?.reset(body.handle);
      const { token } = await issueToken(db, user.id, 'session', client);
      return { user: presentUser(user), token };
    },

    /** Resolves a cookie or bearer token to its user; null for anything unknown, expired or malformed. */
    async authenticate(token: string): Promise<Authenticated | null> {
      if (!looksLikeToken(token)) return null;
      const tokenHash = hashToken(secretKey, token);
      const cached = cache.get(tokenHash);
      if (cached) return cached;
      const row = await repo.findTokenWithUser(db, tokenHash);
      if (!row) return null;
      const at = now();
      if (row.expiresAt && row.expiresAt <= at) return null;
      if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
        // Sessions slide: a session in use does not expire under its user.
        const expiresAt = row.kind === 'session' ? new Date(at.getTime() + sessionTtlMs) : row.expiresAt;
        await repo.touchToken(db, row.tokenId, at, expiresAt);
      }
      const auth: Authenticated = {
        actor: { id: row.id, role: row.role },
        user: presentUser(row),
        tokenId: row.tokenId,
        kind: row.kind,
      };
      cache.set(tokenHash, auth, row.expiresAt);
      return auth;
    },

    async logout(auth: Authenticated): Promise<void> {
      await repo.deleteToken(db, { id: auth.tokenId, userId: auth.actor.id });
      forget({ tokenId: auth.tokenId });
    },

    async getByHandle(actor: Actor | null, handle: string): Promise<PublicUser> {
      requireAccess(actor, 'user.read', null);
      const user = await repo.findUserByHandle(db, handle);
      if (!user) throw notFound('user.not_found', `No one is called @${handle}.`);
      return presentUser(user);
    },

    async updateProfile(actor: Actor | null, userId: string, body: UpdateProfileBody): Promise<PublicUser> {
      requireAccess(actor, 'profile.update', { ownerId: userId });
      const user = await repo.updateUser(db, userId, body);
      if (!user) throw notFound('user.not_found', 'No such user.');
      forget({ userId });
      return presentUser(user);
    },

    async becomeCreator(actor: Actor | null): Promise<PublicUser> {
      requireAccess(actor, 'creator.become', { ownerId: actor?.id ?? '' });
      const current = await repo.findUserById(db, actor.id);
      if (!current) throw notFound('user.not_found', 'Your account no longer exists.');
      if (current.role !== 'viewer') return presentUser(current);
      const user = await repo.updateUser(db, actor.id, { role: 'creator' });
      forget({ userId: actor.id });
      return presentUser(user ?? current);
    },

    async setRole(actor: Actor | null, userId: string, role: Role): Promise<PublicUser> {
      requireAccess(actor, 'user.setRole', { ownerId: userId });
      const user = await repo.updateUser(db, userId, { role });
      if (!user) throw notFound('user.not_found', 'No such user.');
      forget({ userId });
      log.info({ by: actor.id, userId, role }, 'role changed');
      return presentUser(user);
    },

    async listUsers(actor: Actor | null, query: z.output<typeof ListUsersQuery>): Promise<UserList> {
      requireAccess(actor, 'user.list', null);
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await repo.listUsers(db, { q: query.q, limit: query.limit + 1, after });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        users: page.map(presentUser),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    async createApiToken(actor: Actor | null, name: string): Promise<CreatedToken> {
      requireAccess(actor, 'token.manage', { ownerId: actor?.id ?? '' });
      const { token, row } = await issueToken(db, actor.id, 'api', name);
      return { ...presentToken(row), token };
    },

    async listApiTokens(actor: Actor | null): Promise<ApiToken[]> {
      requireAccess(actor, 'token.manage', { ownerId: actor?.id ?? '' });
      return (await repo.listApiTokens(db, actor.id)).map(presentToken);
    },

    async revokeApiToken(actor: Actor | null, tokenId: string): Promise<void> {
      requireAccess(actor, 'token.manage', { ownerId: actor?.id ?? '' });
      // Scoped by owner in SQL: someone else's token id looks exactly like an unknown one.
      if (!(await repo.deleteToken(db, { id: tokenId, userId: actor.id }))) {
        throw notFound('auth.token_not_found', 'No such token.');
      }
      forget({ tokenId });
    },

    /** For other modules that hold a user id (a creator going LIVE) and need the public profile. */
    async getById(id: string): Promise<PublicUser | undefined> {
      const user = await repo.findUserById(db, id);
      return user && presentUser(user);
    },

    async countUsers(): Promise<number> {
      return repo.countUsers(db);
    },

    async countAdmins(): Promise<number> {
      return repo.countAdmins(db);
    },

    async pruneExpiredSessions(): Promise<number> {
      return repo.deleteExpiredTokens(db, now());
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
