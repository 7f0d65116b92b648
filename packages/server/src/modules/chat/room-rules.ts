import type { Actor } from '@onair/core';
import type { ChatComment, ChatUser, FanBadge, RoomEvent } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import { notFound } from '../../errors.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import * as repo from './chat.repository.ts';

export interface RoomContext {
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
const INVALIDATE_TOPIC = 'onair:chat:rules';

/** What the chat asks of fan clubs (modules/fanclub's directory); absent, nobody has a fan badge. */
export interface ChatFans {
  badgesOf(creatorId: string, userIds: readonly string[]): Promise<Map<string, FanBadge>>;
  fansOnly(creatorId: string): Promise<boolean>;
  setFansOnly(creatorId: string, fansOnly: boolean): Promise<void>;
}

export interface RoomRulesDeps {
  db: Db;
  fans?: ChatFans | undefined;
  bus: Bus;
  accounts: AccountsService;
  live: LiveService;
  log: RoomLog;
  now: () => Date;
}

/**
 * What every chat action needs to know about a room and a person in it: the room's rules (cached per
 * node, dropped on every node when they change), who is host or moderator, who is muted or banned,
 * and how a user is shown in the chat.
 */
export function createRoomRules({ db, fans, bus, accounts, live, log, now }: RoomRulesDeps) {
  const contexts = new Map<string, RoomContext>();
  const users = new Map<string, { user: Omit<ChatUser, 'badge'> & { role: string }; at: number }>();

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
  const subscribed = bus.subscribe(INVALIDATE_TOPIC, (m) =>
    dropCached((m as { creatorId: string }).creatorId),
  );

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

  return {
    context,
    /** Rules changed: drop them here now, and on every other node as soon as the bus delivers. */
    async invalidateCreator(creatorId: string) {
      dropCached(creatorId);
      await subscribed;
      await bus.publish(INVALIDATE_TOPIC, { creatorId });
    },
    forget(sessionId: string) {
      contexts.delete(sessionId);
    },

    async chatUser(ctx: RoomContext, userId: string): Promise<ChatUser> {
      const [{ role, ...u }, fan] = await Promise.all([
        profile(userId),
        fans ? fans.badgesOf(ctx.creatorId, [userId]).then((m) => m.get(userId)) : undefined,
      ]);
      return { ...u, badge: badgeFor(ctx, userId, role), ...(fan ? { fan } : {}) };
    },

    fans,

    /** Adds the fan badge beside each member's name (comments read back from the database). */
    async withFans(ctx: RoomContext, comments: ChatComment[]): Promise<ChatComment[]> {
      if (!fans || comments.length === 0) return comments;
      const found = await fans.badgesOf(ctx.creatorId, [...new Set(comments.map((c) => c.user.id))]);
      const add = (c: ChatComment): ChatComment => {
        const fan = found.get(c.user.id);
        return fan ? { ...c, user: { ...c.user, fan } } : c;
      };
      return comments.map(add);
    },

    /** The resource the access policy decides chat moderation on. */
    access: (ctx: RoomContext, actor: Actor | null) => ({
      ownerId: ctx.creatorId,
      isModerator: actor !== null && ctx.moderators.has(actor.id),
    }),

    activeSanction(ctx: RoomContext, userId: string, kind: 'mute' | 'ban') {
      return ctx.sanctions.get(userId)?.find((s) => s.kind === kind && (s.until === null || s.until > now()));
    },

    toComment(ctx: RoomContext, r: repo.CommentWithUser, replyTo: ChatComment['replyTo']): ChatComment {
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
    },

    /** Room events after the LIVE ended would reach nobody and would reopen its log. */
    async appendIfLive(ctx: RoomContext, body: Parameters<RoomLog['append']>[1]): Promise<RoomEvent | null> {
      if (!ctx.live) return null;
      return log.append(ctx.sessionId, body);
    },
  };
}

export type RoomRules = ReturnType<typeof createRoomRules>;
