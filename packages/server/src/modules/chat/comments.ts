import { randomUUID } from 'node:crypto';
import type { Actor } from '@onair/core';
import type { ChatComment, CommentPage, RoomEvent, RoomSnapshot } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Limiter } from '../../limits/rate-limits.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { LiveService } from '../live/live.service.ts';
import { createBatchWriter } from './batch-writer.ts';
import * as repo from './chat.repository.ts';
import type { RoomRules } from './room-rules.ts';
import { containsBannedWord, mentionsIn } from './word-filter.ts';

const SNAPSHOT_COMMENTS = 30;

export interface CommentsDeps {
  db: Db;
  live: LiveService;
  log: RoomLog;
  logger: Logger;
  rules: RoomRules;
  /** Comments per user, on every node. */
  limiter: Limiter;
  writeBatchMs: number;
  now: () => Date;
}

/** A comment that is numbered and on its way to the room; `stored` settles when it is in the database. */
export interface PostedComment {
  id: string;
  seq: number;
  stored: Promise<void>;
}

/** Posting, reading and removing comments in a LIVE room. */
export function createComments({ db, live, log, logger, rules, limiter, writeBatchMs, now }: CommentsDeps) {
  const lastPost = new Map<string, number>();
  const writer = createBatchWriter(
    writeBatchMs,
    (rows: Parameters<typeof repo.insertComments>[1]) => repo.insertComments(db, rows),
    (err, rows) => logger.error({ err, commentIds: rows.map((r) => r.id) }, 'storing comments failed'),
  );

  /** Slow mode: staff are exempt; everyone else waits `slowModeS` between comments. */
  function checkSlowMode(ctx: Awaited<ReturnType<RoomRules['context']>>, actor: Actor) {
    const isStaff = actor.id === ctx.creatorId || ctx.moderators.has(actor.id);
    if (ctx.slowModeS === 0 || isStaff) return;
    const key = `${ctx.sessionId}:${actor.id}`;
    const wait = (lastPost.get(key) ?? 0) + ctx.slowModeS * 1000 - Date.now();
    if (wait > 0) {
      throw new AppError('chat.slow_mode', 429, `Slow mode is on: wait ${Math.ceil(wait / 1000)} s.`, {
        retryAfterMs: wait,
      });
    }
    lastPost.set(key, Date.now());
    if (lastPost.size > 100_000) lastPost.clear();
  }

  /** Fans-only chat: members, the host and moderators may comment; everyone else gets a coded 403. */
  async function checkFansOnly(ctx: Awaited<ReturnType<RoomRules['context']>>, actor: Actor) {
    const fans = rules.fans;
    if (!fans || actor.id === ctx.creatorId || ctx.moderators.has(actor.id)) return;
    if (!(await fans.fansOnly(ctx.creatorId))) return;
    if ((await fans.badgesOf(ctx.creatorId, [actor.id])).has(actor.id)) return;
    throw new AppError('chat.fans_only', 403, 'Only fan club members can comment in this LIVE right now.');
  }

  /**
   * Broadcast first (the room sees it at once), then stored; a client is told its comment is posted
   * only once it is stored. Should the store still fail for this row (the batch writer has already
   * isolated it from everyone else's), the room is told to drop it again.
   */
  async function store(ctx: Awaited<ReturnType<RoomRules['context']>>, row: repo.NewComment) {
    try {
      await writer.write(row);
    } catch {
      await rules.appendIfLive(ctx, { kind: 'comment_deleted', id: row.id }).catch(() => undefined);
      throw new AppError('internal', 500, 'Your comment could not be saved. It has been logged.');
    }
  }

  /** A stored comment (after whatever is still being written), or a 404. */
  async function find(commentId: string) {
    await writer.drain();
    const row = await repo.findComment(db, commentId);
    if (!row || row.deletedAt) throw notFound('chat.comment_not_found', 'No such comment.');
    return row;
  }

  return {
    /** Validates, numbers and broadcasts a comment; `stored` says when it is durable. */
    async postComment(
      actor: Actor | null,
      sessionId: string,
      text: string,
      replyToId?: string,
    ): Promise<PostedComment> {
      requireAccess(actor, 'chat.post', null);
      const ctx = await rules.context(sessionId);
      if (!ctx.live) throw new AppError('chat.room_not_live', 409, 'This LIVE has ended.');
      if (rules.activeSanction(ctx, actor.id, 'ban') || ctx.blockedByHost.has(actor.id)) {
        throw new AppError('chat.banned', 403, "You can't comment in this LIVE.");
      }
      await checkFansOnly(ctx, actor);
      const mute = rules.activeSanction(ctx, actor.id, 'mute');
      if (mute) {
        const until = mute.until?.toISOString() ?? null;
        throw new AppError('chat.muted', 403, `You are muted here until ${until ?? 'further notice'}.`, {
          until,
        });
      }
      if (containsBannedWord(text, ctx.bannedWords)) {
        throw new AppError(
          'chat.blocked_word',
          400,
          'Your comment contains a word this creator does not allow.',
        );
      }
      checkSlowMode(ctx, actor);
      await limiter.consume(actor.id, 'chat.rate_limited', 'You are commenting too fast.');

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
        user: await rules.chatUser(ctx, actor.id),
        text,
        replyTo,
        mentions: mentionsIn(text),
        at: now().toISOString(),
      };
      const event = await log.append(sessionId, { kind: 'comment', comment });
      const stored = store(ctx, {
        id: comment.id,
        sessionId,
        userId: actor.id,
        text,
        replyTo: replyTo?.id ?? null,
        mentions: comment.mentions,
        seq: event.seq,
      });
      // The failure is logged by the batch writer; a caller that does not wait for `stored` must not
      // turn it into an unhandled rejection.
      stored.catch(() => undefined);
      return { id: comment.id, seq: event.seq, stored };
    },

    /**
     * What a (re)joining client needs: only the events after `since` when the room still keeps them,
     * else a snapshot (recent comments, pinned comment, viewers) as of the current seq.
     */
    async join(sessionId: string, since: number | undefined, viewers: { current: number; peak: number }) {
      const ctx = await rules.context(sessionId);
      if (since !== undefined) {
        const replay = await log.since(sessionId, since);
        if (replay) return { snapshot: null, replay };
      }
      const seq = await log.head(sessionId);
      await writer.drain();
      const rows = await repo.listComments(db, sessionId, SNAPSHOT_COMMENTS);
      const comments = await rules.withFans(
        ctx,
        rows.reverse().map((r) => rules.toComment(ctx, r, null)),
      );
      const pinnedId = (await live.chatContext(sessionId))?.pinnedCommentId;
      const pinnedRow = pinnedId ? await repo.findComment(db, pinnedId) : undefined;
      const snapshot: RoomSnapshot = {
        seq: Math.max(seq, ...rows.map((r) => r.seq)),
        comments,
        pinned: pinnedRow && !pinnedRow.deletedAt ? rules.toComment(ctx, pinnedRow, null) : null,
        viewers,
        slowModeS: ctx.slowModeS,
        ...(rules.fans ? { fansOnly: await rules.fans.fansOnly(ctx.creatorId) } : {}),
      };
      return { snapshot, replay: [] as RoomEvent[] };
    },

    async history(sessionId: string, beforeSeq: number | undefined, limit: number): Promise<CommentPage> {
      const ctx = await rules.context(sessionId);
      await writer.drain();
      const rows = await repo.listComments(db, sessionId, limit + 1, beforeSeq);
      const page = rows.slice(0, limit);
      return {
        comments: await rules.withFans(
          ctx,
          page.map((r) => rules.toComment(ctx, r, null)),
        ),
        nextCursor: rows.length > limit && page.length ? String(page.at(-1)!.seq) : null,
      };
    },

    async deleteComment(actor: Actor | null, commentId: string): Promise<void> {
      const row = await find(commentId);
      const ctx = await rules.context(row.sessionId);
      requireAccess(actor, 'comment.delete', { ...rules.access(ctx, actor), authorId: row.userId });
      await repo.softDeleteComment(db, commentId, actor.id, now());
      await rules.appendIfLive(ctx, { kind: 'comment_deleted', id: commentId });
    },

    async pin(actor: Actor | null, sessionId: string, commentId: string | null): Promise<void> {
      const ctx = await rules.context(sessionId);
      requireAccess(actor, 'chat.moderate', rules.access(ctx, actor));
      let pinned: ChatComment | null = null;
      if (commentId) {
        const row = await find(commentId);
        if (row.sessionId !== sessionId) throw notFound('chat.comment_not_found', 'No such comment.');
        pinned = rules.toComment(ctx, row, null);
      }
      await live.setPinned(sessionId, commentId);
      await rules.appendIfLive(ctx, { kind: 'pinned', comment: pinned });
    },

    drain: () => writer.drain(),
  };
}
