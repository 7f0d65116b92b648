import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CommentRow } from '../../db/schema.ts';

export type NewComment = Omit<CommentRow, 'createdAt' | 'deletedAt' | 'deletedBy'>;

export async function insertComments(db: Db, rows: NewComment[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('comments').values(rows).execute();
}

const commentColumns = [
  'c.id',
  'c.sessionId',
  'c.text',
  'c.replyTo',
  'c.mentions',
  'c.seq',
  'c.createdAt',
  'c.deletedAt',
  'u.id as userId',
  'u.handle',
  'u.displayName',
  'u.avatarUrl',
  'u.role',
] as const;

export type CommentWithUser = Awaited<ReturnType<typeof findComment>> & {};

export function findComment(db: Db, id: string) {
  return db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.userId')
    .select(commentColumns)
    .where('c.id', '=', id)
    .executeTakeFirst();
}

/** Newest first, visible comments only, before a seq (for paging back through a session's chat). */
export function listComments(db: Db, sessionId: string, limit: number, beforeSeq?: number) {
  let q = db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.userId')
    .select(commentColumns)
    .where('c.sessionId', '=', sessionId)
    .where('c.deletedAt', 'is', null);
  if (beforeSeq !== undefined) q = q.where('c.seq', '<', beforeSeq);
  return q.orderBy('c.seq', 'desc').limit(limit).execute();
}

export async function softDeleteComment(db: Db, id: string, by: string, at: Date): Promise<boolean> {
  const res = await db
    .updateTable('comments')
    .set({ deletedAt: at, deletedBy: by })
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export function moderators(db: Db, creatorId: string) {
  return db
    .selectFrom('roomModerators as m')
    .innerJoin('users as u', 'u.id', 'm.userId')
    .select(['u.id', 'u.handle', 'u.displayName', 'u.avatarUrl', 'u.role'])
    .where('m.creatorId', '=', creatorId)
    .orderBy('m.createdAt')
    .execute();
}

export async function addModerator(db: Db, creatorId: string, userId: string): Promise<void> {
  await db
    .insertInto('roomModerators')
    .values({ creatorId, userId })
    .onConflict((oc) => oc.columns(['creatorId', 'userId']).doNothing())
    .execute();
}

export async function removeModerator(db: Db, creatorId: string, userId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('roomModerators')
    .where('creatorId', '=', creatorId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export function activeSanctions(db: Db, creatorId: string, now: Date) {
  return db
    .selectFrom('roomSanctions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select(['s.kind', 's.until', 'u.id', 'u.handle', 'u.displayName', 'u.avatarUrl', 'u.role'])
    .where('s.creatorId', '=', creatorId)
    .where((eb) => eb.or([eb('s.until', 'is', null), eb('s.until', '>', now)]))
    .execute();
}

export async function setSanction(
  db: Db,
  s: { creatorId: string; userId: string; kind: 'mute' | 'ban'; until: Date | null; byUserId: string },
): Promise<void> {
  await db
    .insertInto('roomSanctions')
    .values(s)
    .onConflict((oc) =>
      oc.columns(['creatorId', 'userId', 'kind']).doUpdateSet({ until: s.until, byUserId: s.byUserId }),
    )
    .execute();
}

export async function liftSanction(
  db: Db,
  creatorId: string,
  userId: string,
  kind: 'mute' | 'ban',
): Promise<boolean> {
  const res = await db
    .deleteFrom('roomSanctions')
    .where('creatorId', '=', creatorId)
    .where('userId', '=', userId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function blockedBy(db: Db, blockerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('userBlocks')
    .select('blockedId')
    .where('blockerId', '=', blockerId)
    .execute();
  return rows.map((r) => r.blockedId);
}

export async function isBlocked(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
  const row = await db
    .selectFrom('userBlocks')
    .select('blockerId')
    .where('blockerId', '=', blockerId)
    .where('blockedId', '=', blockedId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function block(db: Db, blockerId: string, blockedId: string): Promise<void> {
  await db
    .insertInto('userBlocks')
    .values({ blockerId, blockedId })
    .onConflict((oc) => oc.columns(['blockerId', 'blockedId']).doNothing())
    .execute();
}

export async function unblock(db: Db, blockerId: string, blockedId: string): Promise<void> {
  await db
    .deleteFrom('userBlocks')
    .where('blockerId', '=', blockerId)
    .where('blockedId', '=', blockedId)
    .execute();
}

export async function report(db: Db, commentId: string, reporterId: string, reason: string): Promise<void> {
  await db
    .insertInto('commentReports')
    .values({ commentId, reporterId, reason })
    .onConflict((oc) => oc.columns(['commentId', 'reporterId']).doUpdateSet({ reason }))
    .execute();
}

export function openReports(db: Db, limit: number) {
  return db
    .selectFrom('commentReports as r')
    .innerJoin('comments as c', 'c.id', 'r.commentId')
    .innerJoin('users as u', 'u.id', 'c.userId')
    .innerJoin('users as rep', 'rep.id', 'r.reporterId')
    .select([
      'r.id',
      'r.reason',
      'r.createdAt',
      'c.id as commentId',
      'c.text',
      'c.sessionId',
      'u.handle as author',
      'rep.handle as reporter',
    ])
    .where('r.resolvedAt', 'is', null)
    .orderBy('r.createdAt', 'desc')
    .limit(limit)
    .execute();
}

export async function findOrCreateShareLink(
  db: Db,
  link: { code: string; sharerId: string; creatorId: string; sessionId: string | null },
): Promise<string> {
  const existing = await db
    .selectFrom('shareLinks')
    .select('code')
    .where('sharerId', '=', link.sharerId)
    .where('creatorId', '=', link.creatorId)
    .where((eb) => (link.sessionId ? eb('sessionId', '=', link.sessionId) : eb('sessionId', 'is', null)))
    .executeTakeFirst();
  if (existing) return existing.code;
  await db
    .insertInto('shareLinks')
    .values(link)
    .onConflict((oc) => oc.doNothing())
    .execute();
  return link.code;
}

export async function countShareVisit(
  db: Db,
  code: string,
): Promise<{ creatorId: string; sharerId: string } | undefined> {
  return db
    .updateTable('shareLinks')
    .set({ visits: sql`visits + 1` })
    .where('code', '=', code)
    .returning(['creatorId', 'sharerId'])
    .executeTakeFirst();
}

export async function countShareFollow(db: Db, code: string, creatorId: string): Promise<boolean> {
  const res = await db
    .updateTable('shareLinks')
    .set({ follows: sql`follows + 1` })
    .where('code', '=', code)
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export function shareStats(db: Db, creatorId: string) {
  return db
    .selectFrom('shareLinks as s')
    .innerJoin('users as u', 'u.id', 's.sharerId')
    .select([
      'u.handle',
      (eb) => eb.fn.sum<number>('s.visits').as('visits'),
      (eb) => eb.fn.sum<number>('s.follows').as('follows'),
    ])
    .where('s.creatorId', '=', creatorId)
    .groupBy('u.handle')
    .orderBy('visits', 'desc')
    .limit(50)
    .execute();
}
