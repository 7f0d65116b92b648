import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '@onair/core';
import type {
  ChatComment,
  ChatUser,
  CommentPage,
  ModerationSettings,
  RoomEvent,
  RoomSnapshot,
  ShareLink,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { createBatchWriter } from './batch-writer.ts';
import * as repo from './chat.repository.ts';
import { createRateLimiter } from './rate-limit.ts';
import { containsBannedWord, mentionsIn } from './word-filter.ts';

export interface ChatDeps {
  db: Db;
  /** Tells the other nodes to drop their cached room rules after a moderation change. */
  bus: Bus;
  accounts: AccountsService;
  live: LiveService;
  log: RoomLog;
  logger: Logger;
  publicUrl: string;
  /** Comments per user: burst and sustained rate. */
  rate: { burst: number; perSecond: number };
  writeBatchMs: number;
  now?: () => Date;
}

interface RoomContext {
  sessionId: string;
  creatorId: string;
  live: boolean;
  slowModeS: number;
  bannedWords: string[];
  moderators: Set<string>;
  sanctions: Map<string, { kind: 'mute' | 'ban'; until: Date | null }[]>;
  blockedByHost: Set<string>;
  loadedAt: number;
}

// Room rules are read on every comment; a few seconds of staleness across nodes is the price of not
// querying four tables per message. Changes made on this node apply at once.
const CONTEXT_TTL_MS = 5_000;
const USER_TTL_MS = 30_000;
const SNAPSHOT_COMMENTS = 30;

export function createChatService(deps: ChatDeps) {
  const { db, accounts, live, log, logger, now = () => new Date() } = deps;
  const contexts = new Map<string, RoomContext>();
  const users = new Map<string, { user: Omit<ChatUser, 'badge'> & { role: string }; at: number }>();
  const limiter = createRateLimiter(deps.rate.burst, deps.rate.perSecond);
  const lastPost = new Map<string, number>();
  const writer = createBatchWriter(
    deps.writeBatchMs,
    (rows: Parameters<typeof repo.insertComments>[1]) => repo.insertComments(db, rows),
    (err) => logger.error({ err }, 'storing comments failed'),
  );

  async function context(sessionId: string, fresh = false): Promise<RoomContext> {
    const cached = contexts.get(sessionId);
    if (cached && !fresh && Date.now() - cached.loadedAt < CONTEXT_TTL_MS) return cached;
    const c = await live.chatContext(sessionId);
    if (!c) throw notFound('live.room_not_found', 'No such LIVE room.');
    const [mods, sanctions, blocked] = await Promise.all([
      repo.moderators(db, c.creatorId),
      repo.activeSanctions(db, c.creatorId, now()),
      repo.blockedBy(db, c.creatorId),
    ]);
    const ctx: RoomContext = {
      sessionId,
      creatorId: c.creatorId,
      live: c.live,
      slowModeS: c.slowModeS,
      bannedWords: c.bannedWords,
      moderators: new Set(mods.map((m) => m.id)),
      sanctions: new Map(),
      blockedByHost: new Set(blocked),
      loadedAt: Date.now(),
    };
    for (const s of sanctions)
      ctx.sanctions.set(s.id, [...(ctx.sanctions.get(s.id) ?? []), { kind: s.kind, until: s.until }]);
    contexts.set(sessionId, ctx);
    if (contexts.size > 10_000) contexts.clear();
    return ctx;
  }

  const dropCached = (creatorId: string) => {
    for (const [id, c] of contexts) if (c.creatorId === creatorId) contexts.delete(id);
  };
  const INVALIDATE_TOPIC = 'onair:chat:rules';
  const subscribed = deps.bus.subscribe(INVALIDATE_TOPIC, (m) =>
    dropCached((m as { creatorId: string }).creatorId),
  );
  /** Rules changed: drop them here now, and on every other node as soon as the bus delivers. */
  const invalidateCreator = async (creatorId: string) => {
    dropCached(creatorId);
    await subscribed;
    await deps.bus.publish(INVALIDATE_TOPIC, { creatorId });
  };

  async function profile(userId: string) {
    const hit = users.get(userId);
    if (hit && Date.now() - hit.at < USER_TTL_MS) return hit.user;
    const u = await accounts.getById(userId);
    if (!u) throw notFound('user.not_found', 'No such user.');
    const user = {
      id: u.id,
      handle: u.handle,
      displayName: u.displayName,
      avatarUrl: u.avatarUrl,
      role: u.role,
    };
    users.set(userId, { user, at: Date.now() });
    if (users.size > 50_000) users.clear();
    return user;
  }

  const badgeFor = (ctx: RoomContext, userId: string, role: string): ChatUser['badge'] =>
    userId === ctx.creatorId
      ? 'host'
      : ctx.moderators.has(userId)
        ? 'moderator'
        : role === 'admin'
          ? 'admin'
          : null;

  async function chatUser(ctx: RoomContext, userId: string): Promise<ChatUser> {
    const { role, ...u } = await profile(userId);
    return { ...u, badge: badgeFor(ctx, userId, role) };
  }

  const chatAccess = (ctx: RoomContext, actor: Actor | null) => ({
    ownerId: ctx.creatorId,
    isModerator: actor !== null && ctx.moderators.has(actor.id),
  });

  function activeSanction(ctx: RoomContext, userId: string, kind: 'mute' | 'ban') {
    return ctx.sanctions.get(userId)?.find((s) => s.kind === kind && (s.until === null || s.until > now()));
  }

  function rowToComment(
    ctx: RoomContext,
    r: NonNullable<Awaited<ReturnType<typeof repo.findComment>>>,
    replyTo: ChatComment['replyTo'],
  ): ChatComment {
    return {
      id: r.id,
      user: {
        id: r.userId,
        handle: r.handle,
        displayName: r.displayName,
        avatarUrl: r.avatarUrl,
        badge: badgeFor(ctx, r.userId, r.role),
      },
      text: r.text,
      replyTo,
      mentions: r.mentions,
      at: r.createdAt.toISOString(),
    };
  }

  async function appendIfLive(
    ctx: RoomContext,
    body: Parameters<RoomLog['append']>[1],
  ): Promise<RoomEvent | null> {
    if (!ctx.live) return null;
    return log.append(ctx.sessionId, body);
  }

  return {
    /** Validates and posts a comment; resolves once it is numbered and published (and being stored). */
    async postComment(
      actor: Actor | null,
      sessionId: string,
      text: string,
      replyToId?: string,
    ): Promise<{ id: string; seq: number }> {
      requireAccess(actor, 'chat.post', null);
      const ctx = await context(sessionId);
      if (!ctx.live) throw new AppError('chat.room_not_live', 409, 'This LIVE has ended.');
      if (activeSanction(ctx, actor.id, 'ban') || ctx.blockedByHost.has(actor.id)) {
        throw new AppError('chat.banned', 403, "You can't comment in this LIVE.");
      }
      const mute = activeSanction(ctx, actor.id, 'mute');
      if (mute) {
        throw new AppError(
          'chat.muted',
          403,
          `You are muted here until ${mute.until?.toISOString() ?? 'further notice'}.`,
          {
            until: mute.until?.toISOString() ?? null,
          },
        );
      }
      const word = containsBannedWord(text, ctx.bannedWords);
      if (word)
        throw new AppError(
          'chat.blocked_word',
          400,
          'Your comment contains a word this creator does not allow.',
        );
      const isStaff = actor.id === ctx.creatorId || ctx.moderators.has(actor.id);
      if (ctx.slowModeS > 0 && !isStaff) {
        const key = `${sessionId}:${actor.id}`;
        const wait = (lastPost.get(key) ?? 0) + ctx.slowModeS * 1000 - Date.now();
        if (wait > 0) {
          throw new AppError('chat.slow_mode', 429, `Slow mode is on: wait ${Math.ceil(wait / 1000)} s.`, {
            retryAfterMs: wait,
          });
        }
        lastPost.set(key, Date.now());
        if (lastPost.size > 100_000) lastPost.clear();
      }
      const waitMs = limiter.take(actor.id);
      if (waitMs > 0)
        throw new AppError('chat.rate_limited', 429, 'You are commenting too fast.', {
          retryAfterMs: waitMs,
        });

      let replyTo: ChatComment['replyTo'] = null;
      if (replyToId) {
        const target = await repo.findComment(db, replyToId);
        if (!target || target.sessionId !== sessionId || target.deletedAt) {
          throw notFound('chat.comment_not_found', 'The comment you reply to is gone.');
        }
        replyTo = { id: target.id, handle: target.handle, text: target.text.slice(0, 80) };
      }
      const comment: ChatComment = {
        id: randomUUID(),
        user: await chatUser(ctx, actor.id),
        text,
        replyTo,
        mentions: mentionsIn(text),
        at: now().toISOString(),
      };
      const event = await log.append(sessionId, { kind: 'comment', comment });
      // Stored right behind the broadcast, in batches; history and moderation read it from there.
      void writer
        .write({
          id: comment.id,
          sessionId,
          userId: actor.id,
          text,
          replyTo: replyTo?.id ?? null,
          mentions: comment.mentions,
          seq: event.seq,
        })
        .catch(() => undefined);
      return { id: comment.id, seq: event.seq };
    },

    /**
     * What a (re)joining client needs: only the events after `since` when the room still keeps them,
     * else a snapshot (recent comments, pinned comment, viewers) as of the current seq.
     */
    async join(sessionId: string, since: number | undefined, viewers: { current: number; peak: number }) {
      const ctx = await context(sessionId);
      if (since !== undefined) {
        const replay = await log.since(sessionId, since);
        if (replay) return { snapshot: null, replay };
      }
      const seq = await log.head(sessionId);
      await writer.drain();
      const rows = await repo.listComments(db, sessionId, SNAPSHOT_COMMENTS);
      const comments = rows.reverse().map((r) => rowToComment(ctx, r, null));
      const pinnedId = (await live.chatContext(sessionId))?.pinnedCommentId;
      const pinnedRow = pinnedId ? await repo.findComment(db, pinnedId) : undefined;
      const snapshot: RoomSnapshot = {
        seq: Math.max(seq, ...rows.map((r) => r.seq)),
        comments,
        pinned: pinnedRow && !pinnedRow.deletedAt ? rowToComment(ctx, pinnedRow, null) : null,
        viewers,
        slowModeS: ctx.slowModeS,
      };
      return { snapshot, replay: [] as RoomEvent[] };
    },

    /** The users a viewer has blocked, whose events the gateway hides from them. */
    async hiddenFor(userId: string): Promise<Set<string> | null> {
      const ids = await repo.blockedBy(db, userId);
      return ids.length ? new Set(ids) : null;
    },

    async history(sessionId: string, beforeSeq: number | undefined, limit: number): Promise<CommentPage> {
      const ctx = await context(sessionId);
      await writer.drain();
      const rows = await repo.listComments(db, sessionId, limit + 1, beforeSeq);
      const page = rows.slice(0, limit);
      return {
        comments: page.map((r) => rowToComment(ctx, r, null)),
        nextCursor: rows.length > limit && page.length ? String(page.at(-1)!.seq) : null,
      };
    },

    async deleteComment(actor: Actor | null, commentId: string): Promise<void> {
      await writer.drain();
      const row = await repo.findComment(db, commentId);
      if (!row || row.deletedAt) throw notFound('chat.comment_not_found', 'No such comment.');
      const ctx = await context(row.sessionId);
      requireAccess(actor, 'comment.delete', { ...chatAccess(ctx, actor), authorId: row.userId });
      await repo.softDeleteComment(db, commentId, actor.id, now());
      await appendIfLive(ctx, { kind: 'comment_deleted', id: commentId });
    },

    async pin(actor: Actor | null, sessionId: string, commentId: string | null): Promise<void> {
      const ctx = await context(sessionId);
      requireAccess(actor, 'chat.moderate', chatAccess(ctx, actor));
      let pinned: ChatComment | null = null;
      if (commentId) {
        await writer.drain();
        const row = await repo.findComment(db, commentId);
        if (!row || row.sessionId !== sessionId || row.deletedAt)
          throw notFound('chat.comment_not_found', 'No such comment.');
        pinned = rowToComment(ctx, row, null);
      }
      await live.setPinned(sessionId, commentId);
      await appendIfLive(ctx, { kind: 'pinned', comment: pinned });
    },

    async sanction(
      actor: Actor | null,
      sessionId: string,
      handle: string,
      action: 'mute' | 'unmute' | 'ban' | 'unban',
      minutes?: number,
    ): Promise<void> {
      const ctx = await context(sessionId, true);
      requireAccess(actor, 'chat.moderate', chatAccess(ctx, actor));
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === ctx.creatorId || (ctx.moderators.has(target.id) && actor.id !== ctx.creatorId)) {
        throw new AppError('auth.forbidden', 403, 'Moderators cannot sanction the host or each other.');
      }
      if (target.id === actor.id) throw badRequest('request.invalid', "You can't sanction yourself.");
      const kind = action === 'mute' || action === 'unmute' ? 'mute' : 'ban';
      let until: Date | null = null;
      if (action === 'mute' || action === 'ban') {
        until = action === 'mute' ? new Date(now().getTime() + (minutes ?? 5) * 60_000) : null;
        await repo.setSanction(db, {
          creatorId: ctx.creatorId,
          userId: target.id,
          kind,
          until,
          byUserId: actor.id,
        });
      } else {
        await repo.liftSanction(db, ctx.creatorId, target.id, kind);
      }
      await invalidateCreator(ctx.creatorId);
      logger.info({ creatorId: ctx.creatorId, by: actor.id, target: target.id, action }, 'chat moderation');
      await appendIfLive(ctx, {
        kind: 'moderation',
        action,
        user: await chatUser(ctx, target.id),
        until: until?.toISOString() ?? null,
      });
    },

    async setModerator(actor: Actor | null, handle: string, appoint: boolean): Promise<ModerationSettings> {
      requireAccess(actor, 'live.go', null);
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === actor.id) throw badRequest('request.invalid', 'You are already the host.');
      if (appoint) await repo.addModerator(db, actor.id, target.id);
      else await repo.removeModerator(db, actor.id, target.id);
      await invalidateCreator(actor.id);
      const sessionId = await live.currentSessionOf(actor.id);
      if (sessionId) {
        const ctx = await context(sessionId, true);
        await appendIfLive(ctx, {
          kind: 'moderation',
          action: appoint ? 'moderator_added' : 'moderator_removed',
          user: await chatUser(ctx, target.id),
          until: null,
        });
      }
      return this.settings(actor);
    },

    async settings(actor: Actor | null): Promise<ModerationSettings> {
      requireAccess(actor, 'live.go', null);
      const [mods, sanctions, rules] = await Promise.all([
        repo.moderators(db, actor.id),
        repo.activeSanctions(db, actor.id, now()),
        live.chatSettingsOf(actor.id),
      ]);
      const asChatUser = (
        u: { id: string; handle: string; displayName: string; avatarUrl: string | null },
        badge: ChatUser['badge'],
      ) => ({
        id: u.id,
        handle: u.handle,
        displayName: u.displayName,
        avatarUrl: u.avatarUrl,
        badge,
      });
      return {
        moderators: mods.map((m) => asChatUser(m, 'moderator')),
        bannedWords: rules.bannedWords,
        slowModeS: rules.slowModeS,
        muted: sanctions
          .filter((s) => s.kind === 'mute')
          .map((s) => ({ user: asChatUser(s, null), until: s.until!.toISOString() })),
        banned: sanctions.filter((s) => s.kind === 'ban').map((s) => asChatUser(s, null)),
      };
    },

    async updateSettings(
      actor: Actor | null,
      patch: { bannedWords?: string[]; slowModeS?: number },
    ): Promise<ModerationSettings> {
      requireAccess(actor, 'chat.manage', { ownerId: actor?.id ?? '' });
      await live.updateChatSettings(actor.id, {
        ...(patch.bannedWords ? { bannedWords: [...new Set(patch.bannedWords)] } : {}),
        ...(patch.slowModeS !== undefined ? { slowModeS: patch.slowModeS } : {}),
      });
      await invalidateCreator(actor.id);
      const sessionId = await live.currentSessionOf(actor.id);
      if (sessionId && patch.slowModeS !== undefined) {
        await appendIfLive(await context(sessionId, true), { kind: 'settings', slowModeS: patch.slowModeS });
      }
      return this.settings(actor);
    },

    async report(actor: Actor | null, commentId: string, reason: string): Promise<void> {
      requireAccess(actor, 'chat.post', null);
      await writer.drain();
      const row = await repo.findComment(db, commentId);
      if (!row) throw notFound('chat.comment_not_found', 'No such comment.');
      await repo.report(db, commentId, actor.id, reason);
      logger.info({ commentId, by: actor.id }, 'comment reported');
    },

    async reports(actor: Actor | null) {
      requireAccess(actor, 'report.review', null);
      const rows = await repo.openReports(db, 100);
      return { reports: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },

    async block(actor: Actor | null, handle: string, blocked: boolean): Promise<{ blocked: boolean }> {
      requireAccess(actor, 'follow.manage', { ownerId: actor?.id ?? '' });
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === actor.id) throw badRequest('request.invalid', "You can't block yourself.");
      if (blocked) await repo.block(db, actor.id, target.id);
      else await repo.unblock(db, actor.id, target.id);
      await invalidateCreator(actor.id);
      return { blocked };
    },

    /** A share link for a creator's room that credits the sharer with the visits and follows it brings. */
    async share(actor: Actor | null, handle: string): Promise<ShareLink> {
      requireAccess(actor, 'chat.post', null);
      const creator = await accounts.getByHandle(actor, handle);
      const sessionId = await live.currentSessionOf(creator.id);
      const code = await repo.findOrCreateShareLink(db, {
        code: randomBytes(6).toString('base64url'),
        sharerId: actor.id,
        creatorId: creator.id,
        sessionId,
      });
      if (sessionId) {
        const ctx = await context(sessionId);
        await appendIfLive(ctx, { kind: 'share', user: await chatUser(ctx, actor.id) });
      }
      return { code, url: `${deps.publicUrl}/@${creator.handle}/live?ref=${code}` };
    },

    async shareVisit(code: string): Promise<{ counted: boolean }> {
      return { counted: (await repo.countShareVisit(db, code)) !== undefined };
    },

    /** Called by the social domain when someone follows: credits a share link and tells the LIVE room. */
    async onFollow(followerId: string, creatorId: string, ref: string | undefined): Promise<void> {
      if (ref) await repo.countShareFollow(db, ref, creatorId);
      const sessionId = await live.currentSessionOf(creatorId);
      if (!sessionId) return;
      const ctx = await context(sessionId);
      await appendIfLive(ctx, { kind: 'follow', user: await chatUser(ctx, followerId) });
    },

    async shareStats(actor: Actor | null) {
      requireAccess(actor, 'live.go', null);
      const rows = await repo.shareStats(db, actor.id);
      return {
        sharers: rows.map((r) => ({
          handle: r.handle,
          visits: Number(r.visits),
          follows: Number(r.follows),
        })),
      };
    },

    /** The room ended: tell everyone still in it. */
    async ended(sessionId: string): Promise<void> {
      await log.append(sessionId, { kind: 'ended' });
      contexts.delete(sessionId);
    },

    drain: () => writer.drain(),
  };
}

export type ChatService = ReturnType<typeof createChatService>;
