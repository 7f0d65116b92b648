import { sql } from 'kysely';
import { textArrayLiteral } from '../../db/array-literal.ts';
import type { Db } from '../../db/database.ts';
import { userRef } from '../accounts/public-user.ts';

/** SQL on the fan-club tables (migration 0016). Every function takes a `Db` or a transaction. */

export async function ensureClub(db: Db, creatorId: string, badgeName: string) {
  await db
    .insertInto('fanClubs')
    .values({ creatorId, badgeName })
    .onConflict((oc) => oc.column('creatorId').doNothing())
    .execute();
}

export function findClub(db: Db, creatorId: string) {
  return db.selectFrom('fanClubs').selectAll().where('creatorId', '=', creatorId).executeTakeFirst();
}

export function updateClub(db: Db, creatorId: string, patch: { badgeName?: string; fansOnly?: boolean }) {
  return db
    .updateTable('fanClubs')
    .set({ ...patch, updatedAt: new Date() })
    .where('creatorId', '=', creatorId)
    .returningAll()
    .executeTakeFirst();
}

/** A first join inserts the row; an existing member's row is left alone (false). */
export async function insertMembership(db: Db, creatorId: string, fanId: string, at: Date): Promise<boolean> {
  const row = await db
    .insertInto('fanMemberships')
    .values({ creatorId, fanId, joinedAt: at, lastPointAt: at })
    .onConflict((oc) => oc.columns(['creatorId', 'fanId']).doNothing())
    .returning('fanId')
    .executeTakeFirst();
  return row !== undefined;
}

/** The member's row, locked: every grant to one member runs one at a time behind this lock. */
export function lockMembership(db: Db, creatorId: string, fanId: string) {
  return db
    .selectFrom('fanMemberships')
    .select(['points', 'lastPointAt'])
    .where('creatorId', '=', creatorId)
    .where('fanId', '=', fanId)
    .forUpdate()
    .executeTakeFirst();
}

/** Claims a mission event's source; false when it was already counted. */
export async function claimSource(
  db: Db,
  e: { creatorId: string; fanId: string; source: string; mission: string; at: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('fanPointEvents')
    .values({
      creatorId: e.creatorId,
      fanId: e.fanId,
      source: e.source,
      mission: e.mission,
      at: e.at,
      points: 0,
    })
    .onConflict((oc) => oc.columns(['creatorId', 'fanId', 'source']).doNothing())
    .returning('source')
    .executeTakeFirst();
  return row !== undefined;
}

export async function pointsToday(db: Db, key: DayKey): Promise<number> {
  const row = await db
    .selectFrom('fanDailyPoints')
    .select('points')
    .where('creatorId', '=', key.creatorId)
    .where('fanId', '=', key.fanId)
    .where('day', '=', key.day)
    .where('mission', '=', key.mission)
    .executeTakeFirst();
  return row?.points ?? 0;
}

export interface DayKey {
  creatorId: string;
  fanId: string;
  day: number;
  mission: string;
}

export async function setPointsToday(db: Db, key: DayKey, points: number) {
  await db
    .insertInto('fanDailyPoints')
    .values({ ...key, points })
    .onConflict((oc) => oc.columns(['creatorId', 'fanId', 'day', 'mission']).doUpdateSet({ points }))
    .execute();
}

export async function recordGrant(
  db: Db,
  e: { creatorId: string; fanId: string; source: string; points: number; level: number; at: Date },
) {
  await db
    .updateTable('fanPointEvents')
    .set({ points: e.points })
    .where('creatorId', '=', e.creatorId)
    .where('fanId', '=', e.fanId)
    .where('source', '=', e.source)
    .execute();
  await db
    .updateTable('fanMemberships')
    .set({
      points: sql`points + ${e.points}`,
      level: e.level,
      lastPointAt: sql`greatest(last_point_at, ${e.at})`,
    })
    .where('creatorId', '=', e.creatorId)
    .where('fanId', '=', e.fanId)
    .execute();
}

/** Badge name and level of each listed user who is a member of `creatorId`'s club. */
export function badgesOf(db: Db, creatorId: string, fanIds: readonly string[]) {
  return db
    .selectFrom('fanMemberships as m')
    .innerJoin('fanClubs as c', 'c.creatorId', 'm.creatorId')
    .select(['m.fanId', 'm.level', 'c.badgeName'])
    .where('m.creatorId', '=', creatorId)
    .where('m.fanId', '=', sql<string>`any(${textArrayLiteral([...fanIds])}::uuid[])`)
    .execute();
}

export function membership(db: Db, creatorId: string, fanId: string) {
  return db
    .selectFrom('fanMemberships')
    .selectAll()
    .where('creatorId', '=', creatorId)
    .where('fanId', '=', fanId)
    .executeTakeFirst();
}

export async function countMembers(db: Db, creatorId: string): Promise<number> {
  const row = await db
    .selectFrom('fanMemberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('creatorId', '=', creatorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Members with their user chips, by points (then who joined first); `limit` null for all (CSV). */
export function listMembers(db: Db, creatorId: string, limit: number | null) {
  let q = db
    .selectFrom('fanMemberships as m')
    .innerJoin('users as u', 'u.id', 'm.fanId')
    .select([...userRef('u'), 'm.points', 'm.level', 'm.joinedAt', 'm.lastPointAt'])
    .where('m.creatorId', '=', creatorId)
    .orderBy('m.points', 'desc')
    .orderBy('m.joinedAt', 'asc')
    .orderBy('m.fanId');
  if (limit !== null) q = q.limit(limit);
  return q.execute();
}
