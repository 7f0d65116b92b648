import type { Db } from '../../db/database.ts';
import type { LiveSessionRow, RoomRow, SessionSummary } from '../../db/schema.ts';

export function findRoom(db: Db, creatorId: string): Promise<RoomRow | undefined> {
  return db.selectFrom('rooms').selectAll().where('creatorId', '=', creatorId).executeTakeFirst();
}

export function findRoomByKey(db: Db, streamKey: string): Promise<RoomRow | undefined> {
  return db.selectFrom('rooms').selectAll().where('streamKey', '=', streamKey).executeTakeFirst();
}

export async function insertRoom(db: Db, creatorId: string, streamKey: string): Promise<RoomRow> {
  await db
    .insertInto('rooms')
    .values({ creatorId, streamKey, currentSessionId: null })
    .onConflict((oc) => oc.column('creatorId').doNothing())
    .execute();
  return db.selectFrom('rooms').selectAll().where('creatorId', '=', creatorId).executeTakeFirstOrThrow();
}

export function updateRoom(
  db: Db,
  creatorId: string,
  patch: Partial<
    Pick<
      RoomRow,
      | 'title'
      | 'topic'
      | 'hashtags'
      | 'streamKey'
      | 'state'
      | 'currentSessionId'
      | 'slowModeS'
      | 'bannedWords'
    >
  >,
): Promise<RoomRow | undefined> {
  return db
    .updateTable('rooms')
    .set({ ...patch, updatedAt: new Date() })
    .where('creatorId', '=', creatorId)
    .returningAll()
    .executeTakeFirst();
}

/** Inserts the session unless the room already has an open one (the partial unique index decides). */
export async function insertSession(
  db: Db,
  s: Pick<
    LiveSessionRow,
    'creatorId' | 'title' | 'topic' | 'hashtags' | 'source' | 'ingestNode' | 'clientIp'
  >,
): Promise<LiveSessionRow | undefined> {
  return db
    .insertInto('liveSessions')
    .values({ ...s, status: 'connecting' })
    .onConflict((oc) => oc.column('creatorId').where('status', '<>', 'ended').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findSession(db: Db, id: string): Promise<LiveSessionRow | undefined> {
  return db.selectFrom('liveSessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function latestSession(db: Db, creatorId: string): Promise<LiveSessionRow | undefined> {
  return db
    .selectFrom('liveSessions')
    .selectAll()
    .where('creatorId', '=', creatorId)
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function latestLiveSession(db: Db, creatorId: string): Promise<LiveSessionRow | undefined> {
  return db
    .selectFrom('liveSessions')
    .selectAll()
    .where('creatorId', '=', creatorId)
    .where('liveAt', 'is not', null)
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function markLive(
  db: Db,
  id: string,
  info: Pick<LiveSessionRow, 'videoCodec' | 'audioCodec' | 'width' | 'height' | 'fps'>,
  at: Date,
): Promise<LiveSessionRow | undefined> {
  return db
    .updateTable('liveSessions')
    .set({ ...info, status: 'live', liveAt: at })
    .where('id', '=', id)
    .where('status', '=', 'connecting')
    .returningAll()
    .executeTakeFirst();
}

/** Ends an open session exactly once; undefined if it had already ended. */
export function endSession(
  db: Db,
  id: string,
  at: Date,
  reason: string,
  summary: (s: LiveSessionRow) => SessionSummary,
): Promise<LiveSessionRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('liveSessions')
      .selectAll()
      .where('id', '=', id)
      .where('status', '<>', 'ended')
      .forUpdate()
      .executeTakeFirst();
    if (!open) return undefined;
    const ended = await trx
      .updateTable('liveSessions')
      .set({ status: 'ended', endedAt: at, endReason: reason, summary: JSON.stringify(summary(open)) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('rooms')
      .set({ state: 'offline', currentSessionId: null, updatedAt: at })
      .where('creatorId', '=', open.creatorId)
      .where('currentSessionId', '=', id)
      .execute();
    return ended;
  });
}

export function openSessionsOfNode(db: Db, ingestNode: string) {
  return db
    .selectFrom('liveSessions')
    .select(['id'])
    .where('ingestNode', '=', ingestNode)
    .where('status', '<>', 'ended')
    .execute();
}

export async function touchThumbnail(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('liveSessions').set({ thumbnailAt: at }).where('id', '=', id).execute();
}

export async function setPinned(db: Db, sessionId: string, commentId: string | null): Promise<void> {
  await db
    .updateTable('liveSessions')
    .set({ pinnedCommentId: commentId })
    .where('id', '=', sessionId)
    .execute();
}

export async function recordPeakViewers(db: Db, sessionId: string, peak: number): Promise<void> {
  await db
    .updateTable('liveSessions')
    .set((eb) => ({ peakViewers: eb.fn('greatest', [eb.ref('peakViewers'), eb.val(peak)]) }))
    .where('id', '=', sessionId)
    .execute();
}

/** The session each of these creators is broadcasting now (room LIVE and its session live). */
export function currentSessions(db: Db, creatorIds: string[]) {
  if (creatorIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('rooms as r')
    .innerJoin('liveSessions as s', 's.id', 'r.currentSessionId')
    .select(['r.creatorId', 's.id as sessionId'])
    .where('r.creatorId', 'in', creatorIds)
    .where('r.state', '=', 'live')
    .where('s.status', '=', 'live')
    .execute();
}
