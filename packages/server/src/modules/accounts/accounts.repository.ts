import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AuthTokenRow, NewUser, UserRow, UserUpdate } from '../../db/schema.ts';
import { publicUser } from './public-user.ts';

/** SQL for users and their tokens. No rules here: the service decides, this only reads and writes. */

export async function lockUserCreation(db: Db): Promise<void> {
  // Serializes sign-ups just long enough to decide who is the first admin.
  await sql`select pg_advisory_xact_lock(hashtext('onair.users.create'))`.execute(db);
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findUserByHandle(db: Db, handle: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts unless the handle is taken; returns undefined on conflict instead of throwing mid-transaction. */
export function insertUser(db: Db, user: NewUser): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values(user)
    .onConflict((oc) => oc.column('handle').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateUser(db: Db, id: string, patch: UserUpdate): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function listUsers(
  db: Db,
  opts: { q?: string | undefined; limit: number; after?: { createdAt: Date; id: string } | undefined },
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (opts.q) query = query.where('handle', 'like', `${opts.q.replace(/[\\%_]/g, '\\$&')}%`);
  if (opts.after) {
    const { createdAt, id } = opts.after;
    query = query.where((eb) =>
      eb.or([eb('createdAt', '>', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '>', id)])]),
    );
  }
  return query.orderBy('createdAt').orderBy('id').limit(opts.limit).execute();
}

export function insertToken(
  db: Db,
  token: { userId: string; kind: 'session' | 'api'; name: string; tokenHash: string; expiresAt: Date | null },
): Promise<AuthTokenRow> {
  return db.insertInto('authTokens').values(token).returningAll().executeTakeFirstOrThrow();
}

export function findTokenWithUser(db: Db, tokenHash: string) {
  return db
    .selectFrom('authTokens as t')
    .innerJoin('users as u', 'u.id', 't.userId')
    .select(['t.id as tokenId', 't.kind', 't.expiresAt', 't.lastUsedAt', 'u.updatedAt', 'u.passwordHash'])
    .select(publicUser('u'))
    .where('t.tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchToken(db: Db, tokenId: string, now: Date, expiresAt: Date | null): Promise<void> {
  await db.updateTable('authTokens').set({ lastUsedAt: now, expiresAt }).where('id', '=', tokenId).execute();
}

export async function deleteToken(db: Db, where: { id: string; userId: string }): Promise<boolean> {
  const res = await db
    .deleteFrom('authTokens')
    .where('id', '=', where.id)
    .where('userId', '=', where.userId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function deleteExpiredTokens(db: Db, now: Date): Promise<number> {
  const res = await db.deleteFrom('authTokens').where('expiresAt', '<', now).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export function listApiTokens(db: Db, userId: string): Promise<AuthTokenRow[]> {
  return db
    .selectFrom('authTokens')
    .selectAll()
    .where('userId', '=', userId)
    .where('kind', '=', 'api')
    .orderBy('createdAt', 'desc')
    .execute();
}
