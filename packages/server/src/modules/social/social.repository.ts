import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { publicUserAs } from '../accounts/public-user.ts';

/** True when this is a new follow (false when it already existed). */
export async function follow(
  db: Db,
  followerId: string,
  creatorId: string,
  viaShare: string | null,
): Promise<boolean> {
  const row = await db
    .insertInto('follows')
    .values({ followerId, creatorId, viaShare })
    .onConflict((oc) => oc.columns(['followerId', 'creatorId']).doNothing())
    .returning('followerId')
    .executeTakeFirst();
  return row !== undefined;
}

export async function unfollow(db: Db, followerId: string, creatorId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('follows')
    .where('followerId', '=', followerId)
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function setNotify(
  db: Db,
  followerId: string,
  creatorId: string,
  notify: boolean,
): Promise<boolean> {
  const res = await db
    .updateTable('follows')
    .set({ notify })
    .where('followerId', '=', followerId)
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export function findFollow(db: Db, followerId: string, creatorId: string) {
  return db
    .selectFrom('follows')
    .select(['notify'])
    .where('followerId', '=', followerId)
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();
}

export async function countFollowers(db: Db, creatorId: string): Promise<number> {
  const row = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('creatorId', '=', creatorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * One statement for the whole fan-out: a creator with 100k followers costs one INSERT … SELECT, not
 * 100k round trips. Returns who was notified so the caller can push to their open sockets.
 */
export async function notifyFollowersLive(
  db: Db,
  creatorId: string,
  sessionId: string,
): Promise<{ id: string; userId: string; createdAt: Date }[]> {
  const { rows } = await sql<{ id: string; userId: string; createdAt: Date }>`
    insert into notifications (user_id, kind, actor_id, session_id)
    select follower_id, 'live_started', ${creatorId}, ${sessionId}
    from follows where creator_id = ${creatorId} and notify
    returning id, user_id, created_at`.execute(db);
  return rows;
}

export type EventNotificationKind = 'event_reminder' | 'event_live' | 'event_cancelled';

/**
 * One notification per user about one event, at most once per (user, kind, event): the unique
 * index makes a job that runs twice, or two nodes racing, store nothing the second time. Returns
 * only the rows this call created, so only those are pushed.
 */
export async function notifyAboutEvent(
  db: Db,
  input: {
    userIds: readonly string[];
    kind: EventNotificationKind;
    eventId: string;
    actorId: string;
    sessionId: string | null;
  },
): Promise<{ id: string; userId: string; createdAt: Date }[]> {
  if (input.userIds.length === 0) return [];
  const { rows } = await sql<{ id: string; userId: string; createdAt: Date }>`
    insert into notifications (user_id, kind, actor_id, event_id, session_id)
    select u, ${input.kind}, ${input.actorId}, ${input.eventId}, ${input.sessionId}
    from unnest(${sql.val(input.userIds)}::uuid[]) as u
    on conflict (user_id, kind, event_id) where event_id is not null do nothing
    returning id, user_id, created_at`.execute(db);
  return rows;
}

export function listNotifications(
  db: Db,
  userId: string,
  limit: number,
  before?: { createdAt: Date; id: string },
) {
  let q = db
    .selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actorId')
    .select(['n.id', 'n.kind', 'n.sessionId', 'n.eventId', 'n.createdAt', 'n.readAt'])
    .select(publicUserAs('a', 'actor'))
    .where('n.userId', '=', userId);
  if (before) {
    const { createdAt, id } = before;
    q = q.where((eb) =>
      eb.or([
        eb('n.createdAt', '<', createdAt),
        eb.and([eb('n.createdAt', '=', createdAt), eb('n.id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('n.createdAt', 'desc').orderBy('n.id', 'desc').limit(limit).execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRead(db: Db, userId: string, ids: string[] | undefined, now: Date): Promise<void> {
  let q = db
    .updateTable('notifications')
    .set({ readAt: now })
    .where('userId', '=', userId)
    .where('readAt', 'is', null);
  if (ids) {
    if (ids.length === 0) return;
    q = q.where('id', 'in', ids);
  }
  await q.execute();
}
