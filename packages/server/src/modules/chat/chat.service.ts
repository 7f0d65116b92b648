import type { Actor } from '@onair/core';
import { FAN_SPOTLIGHT_LEVEL, type FanEntrance } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { RateLimits } from '../../limits/limits.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { createComments } from './comments.ts';
import { createModeration } from './moderation.ts';
import { type ChatFans, createRoomRules } from './room-rules.ts';
import { createShareLinks } from './share-links.ts';

export interface ChatDeps {
  db: Db;
  /** Tells the other nodes to drop their cached room rules after a moderation change. */
  bus: Bus;
  /** Hears `social.followed` (share credit, the room's follow line) and `live.session_ended`. */
  events: Pick<DomainEvents, 'on'>;
  accounts: AccountsService;
  live: LiveService;
  log: RoomLog;
  logger: Logger;
  publicUrl: string;
  limits: Pick<RateLimits, 'comments'>;
  writeBatchMs: number;
  now?: () => Date;
  /** Fan badges beside names, fans-only chat (modules/fanclub); without it the chat has neither. */
  fans?: ChatFans;
}

/**
 * The chat of LIVE rooms: comments (comments.ts), moderation (moderation.ts) and share links
 * (share-links.ts), over one per-node cache of each room's rules (room-rules.ts).
 */
export function createChatService(deps: ChatDeps) {
  const { db, accounts, live, log, logger, now = () => new Date() } = deps;
  const rules = createRoomRules({ db, fans: deps.fans, bus: deps.bus, accounts, live, log, now });
  const comments = createComments({
    db,
    live,
    log,
    logger,
    rules,
    limiter: deps.limits.comments,
    writeBatchMs: deps.writeBatchMs,
    now,
  });
  const moderation = createModeration({
    db,
    accounts,
    live,
    logger,
    rules,
    drainComments: comments.drain,
    now,
  });
  const shares = createShareLinks({ db, accounts, live, rules, publicUrl: deps.publicUrl });

  /** The room ended: tell everyone still in it. */
  async function ended(sessionId: string): Promise<void> {
    await log.append(sessionId, { kind: 'ended' });
    rules.forget(sessionId);
  }

  deps.events.on('social.followed', (f) => shares.onFollow(f.followerId, f.creatorId, f.ref));
  deps.events.on('live.session_ended', ({ sessionId }) => ended(sessionId));

  /** Fans-only chat on or off, by the host or a moderator; the room is told with a `settings` event. */
  async function setFansOnly(actor: Actor | null, sessionId: string, fansOnly: boolean): Promise<void> {
    const ctx = await rules.context(sessionId, true);
    requireAccess(actor, 'chat.moderate', rules.access(ctx, actor));
    if (!deps.fans) return;
    await deps.fans.setFansOnly(ctx.creatorId, fansOnly);
    await rules.appendIfLive(ctx, { kind: 'settings', slowModeS: ctx.slowModeS, fansOnly });
  }

  /** A member entering a room: their badge for the join notice, highlighted from a high level on. */
  async function entrance(sessionId: string, userId: string, name: string): Promise<FanEntrance | null> {
    if (!deps.fans) return null;
    const ctx = await rules.context(sessionId);
    const fan = (await deps.fans.badgesOf(ctx.creatorId, [userId])).get(userId);
    return fan ? { name, fan, spotlight: fan.level >= FAN_SPOTLIGHT_LEVEL } : null;
  }

  return { ...comments, ...moderation, ...shares, ended, setFansOnly, entrance };
}

export type ChatService = ReturnType<typeof createChatService>;
