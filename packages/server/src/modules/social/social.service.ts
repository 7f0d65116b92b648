import type { Actor } from '@onair/core';
import type { FollowingList, FollowState, NotificationList, PublicUser, ServerFrame } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError, badRequest } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import { presentUser } from '../accounts/accounts.presenter.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import * as followingReadModel from './following.read-model.ts';
import { presentNotification } from './social.presenter.ts';
import * as repo from './social.repository.ts';

/**
 * What a stored notification says to the channels beyond the page (Web Push): called inside the
 * transaction that stores it, so a channel that schedules its delivery there is as durable as the
 * notification itself. `userIds` is absent for a go-live (its audience is the creator's followers
 * with alerts on: live-alerts.read-model.ts).
 */
export interface NotifiedEvent {
  kind: 'live_started' | repo.EventNotificationKind;
  actorId: string;
  sessionId: string | null;
  eventId: string | null;
  userIds?: readonly string[];
}
export type NotificationChannel = (notified: NotifiedEvent, trx: Db) => Promise<void>;

export interface SocialDeps {
  db: Db;
  accounts: AccountsService;
  bus: Bus;
  /** Where `social.followed` is told, after a first follow is stored. */
  events: Pick<DomainEvents, 'emit'>;
  log: Logger;
  now?: () => Date;
}

export function createSocialService({ db, accounts, bus, events, log, now = () => new Date() }: SocialDeps) {
  const channels: NotificationChannel[] = [];
  const tellChannels = async (notified: NotifiedEvent, trx: Db) => {
    for (const channel of channels) await channel(notified, trx);
  };

  async function target(actor: Actor | null, handle: string): Promise<PublicUser> {
    requireAccess(actor, 'follow.manage', { ownerId: actor?.id ?? '' });
    const creator = await accounts.getByHandle(actor, handle);
    if (creator.id === actor.id) throw badRequest('social.self_follow', "You can't follow yourself.");
    return creator;
  }

  async function state(followerId: string | null, creatorId: string): Promise<FollowState> {
    const [row, followerCount] = await Promise.all([
      followerId ? repo.findFollow(db, followerId, creatorId) : undefined,
      repo.countFollowers(db, creatorId),
    ]);
    return { following: row !== undefined, notify: row?.notify ?? false, followerCount };
  }

  return {
    /** `ref`: the share link code that brought the follower, credited to whoever shared it. */
    async follow(actor: Actor | null, handle: string, ref?: string): Promise<FollowState> {
      const creator = await target(actor, handle);
      if (await repo.follow(db, actor!.id, creator.id, ref ?? null))
        await events.emit('social.followed', { followerId: actor!.id, creatorId: creator.id, ref });
      return state(actor!.id, creator.id);
    },

    /**
     * A follow another module makes on a user's behalf (joining a fan club follows its creator); the
     * same `social.followed` as a follow by hand. False when already following or following oneself.
     */
    async followById(followerId: string, creatorId: string): Promise<boolean> {
      if (followerId === creatorId) return false;
      const first = await repo.follow(db, followerId, creatorId, null);
      if (first) await events.emit('social.followed', { followerId, creatorId, ref: undefined });
      return Boolean(first);
    },

    async unfollow(actor: Actor | null, handle: string): Promise<FollowState> {
      const creator = await target(actor, handle);
      await repo.unfollow(db, actor!.id, creator.id);
      return state(actor!.id, creator.id);
    },

    async setNotify(actor: Actor | null, handle: string, notify: boolean): Promise<FollowState> {
      const creator = await target(actor, handle);
      if (!(await repo.setNotify(db, actor!.id, creator.id, notify))) {
        throw new AppError(
          'social.not_following',
          409,
          `Follow @${creator.handle} first to get their LIVE alerts.`,
        );
      }
      return state(actor!.id, creator.id);
    },

    async followState(actor: Actor | null, handle: string): Promise<FollowState> {
      const creator = await accounts.getByHandle(actor, handle);
      return state(actor?.id ?? null, creator.id);
    },

    followerCount(creatorId: string): Promise<number> {
      return repo.countFollowers(db, creatorId);
    },

    async following(actor: Actor | null): Promise<FollowingList> {
      requireAccess(actor, 'follow.manage', { ownerId: actor?.id ?? '' });
      const rows = await followingReadModel.listFollowing(db, actor.id);
      return {
        users: rows.map((r) => ({ ...presentUser(r), notify: r.notify, live: r.state === 'live' })),
      };
    },

    /** Adds a channel told of every notification stored from now on (see `NotificationChannel`). */
    addChannel(channel: NotificationChannel): void {
      channels.push(channel);
    },

    /** A creator went LIVE: store a notification per opted-in follower and push it to their sockets. */
    async notifyLive(creatorId: string, sessionId: string): Promise<number> {
      const created = await db.transaction().execute(async (trx) => {
        const rows = await repo.notifyFollowersLive(trx, creatorId, sessionId);
        if (rows.length > 0)
          await tellChannels({ kind: 'live_started', actorId: creatorId, sessionId, eventId: null }, trx);
        return rows;
      });
      if (created.length === 0) return 0;
      const creator = await accounts.getById(creatorId);
      for (const n of created) {
        const frame: ServerFrame = {
          type: 'notification',
          notification: presentNotification({
            id: n.id,
            kind: 'live_started',
            sessionId,
            eventId: null,
            createdAt: n.createdAt,
            readAt: null,
            actorId: creator?.id ?? null,
            actorHandle: creator?.handle ?? null,
            actorDisplayName: creator?.displayName ?? null,
            actorBio: creator?.bio ?? null,
            actorAvatarUrl: creator?.avatarUrl ?? null,
            actorRole: creator?.role ?? null,
            actorCreatedAt: creator ? new Date(creator.createdAt) : null,
          }),
        };
        bus
          .publish(topics.user(n.userId), frame)
          .catch((err) => log.warn({ err }, 'notification push failed'));
      }
      log.info({ creatorId, sessionId, notified: created.length }, 'followers notified');
      return created.length;
    },

    /**
     * Notifies users about a scheduled LIVE (a reminder, "is LIVE now", a cancellation), at most once
     * per user, kind and event. `trx` lets the caller store them with the change that calls for them
     * (a job's run); call `push()` once that has committed to reach the users' open sockets.
     */
    async notifyEvent(
      input: {
        userIds: readonly string[];
        kind: repo.EventNotificationKind;
        eventId: string;
        actorId: string;
        sessionId?: string | null;
      },
      trx: Db = db,
    ): Promise<{ created: number; push: () => Promise<void> }> {
      const created = await repo.notifyAboutEvent(trx, { ...input, sessionId: input.sessionId ?? null });
      if (created.length > 0)
        await tellChannels(
          {
            kind: input.kind,
            actorId: input.actorId,
            sessionId: input.sessionId ?? null,
            eventId: input.eventId,
            userIds: created.map((n) => n.userId),
          },
          trx,
        );
      const push = async () => {
        if (created.length === 0) return;
        const actor = await accounts.getById(input.actorId);
        for (const n of created) {
          const frame: ServerFrame = {
            type: 'notification',
            notification: presentNotification({
              id: n.id,
              kind: input.kind,
              sessionId: input.sessionId ?? null,
              eventId: input.eventId,
              createdAt: n.createdAt,
              readAt: null,
              actorId: actor?.id ?? null,
              actorHandle: actor?.handle ?? null,
              actorDisplayName: actor?.displayName ?? null,
              actorBio: actor?.bio ?? null,
              actorAvatarUrl: actor?.avatarUrl ?? null,
              actorRole: actor?.role ?? null,
              actorCreatedAt: actor ? new Date(actor.createdAt) : null,
            }),
          };
          bus
            .publish(topics.user(n.userId), frame)
            .catch((err) => log.warn({ err }, 'notification push failed'));
        }
      };
      return { created: created.length, push };
    },

    async notifications(
      actor: Actor | null,
      query: { limit: number; cursor?: string | undefined },
    ): Promise<NotificationList> {
      requireAccess(actor, 'notification.read', { ownerId: actor?.id ?? '' });
      const before = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await repo.listNotifications(db, actor.id, query.limit + 1, before);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(presentNotification),
        unread: await repo.countUnread(db, actor.id),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    async markRead(actor: Actor | null, ids: string[] | undefined): Promise<{ unread: number }> {
      requireAccess(actor, 'notification.read', { ownerId: actor?.id ?? '' });
      await repo.markRead(db, actor.id, ids, now());
      return { unread: await repo.countUnread(db, actor.id) };
    },
  };
}

export type SocialService = ReturnType<typeof createSocialService>;
