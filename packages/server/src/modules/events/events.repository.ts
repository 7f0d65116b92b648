import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, LiveEventRow, LiveEventStatus } from '../../db/schema.ts';
import { publicUserAs } from '../accounts/public-user.ts';

type Conn = Db | Transaction<Database>;

export interface NewEvent {
  creatorId: string;
  title: string;
  description: string;
  startsAt: Date;
  timeZone: string;
  durationMin: number;
  coverUrl: string | null;
  hashtags: string[];
}

/** An event with its creator's public columns (accounts' read model). */
function withCreator(db: Conn) {
  return db
    .selectFrom('liveEvents as e')
    .innerJoin('users as u', 'u.id', 'e.creatorId')
    .selectAll('e')
    .select(publicUserAs('u', 'creator'));
}
export type EventWithCreator = Awaited<ReturnType<typeof findWithCreator>> & {};

export function findWithCreator(db: Conn, id: string) {
  return withCreator(db).where('e.id', '=', id).executeTakeFirst();
}

export function findForUpdate(db: Conn, id: string): Promise<LiveEventRow | undefined> {
  return db.selectFrom('liveEvents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function find(db: Conn, id: string): Promise<LiveEventRow | undefined> {
  return db.selectFrom('liveEvents').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Serializes one creator's schedule changes for the rest of the transaction, so two requests cannot
 * both see 19 upcoming events and both add one. Keyed by creator: other creators never wait.
 */
export async function lockCreatorSchedule(trx: Conn, creatorId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`live_events:${creatorId}`}, 0))`.execute(trx);
}

export async function countUpcoming(
  db: Conn,
  creatorId: string,
  now: Date,
  exceptId?: string,
): Promise<number> {
  let q = db
    .selectFrom('liveEvents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('creatorId', '=', creatorId)
    .where('status', '=', 'scheduled')
    .where('startsAt', '>', now);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export function insert(db: Conn, e: NewEvent, now: Date): Promise<LiveEventRow> {
  return db
    .insertInto('liveEvents')
    .values({ ...e, status: 'scheduled', createdAt: now, updatedAt: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function update(
  db: Conn,
  id: string,
  patch: Partial<Omit<NewEvent, 'creatorId'>>,
  now: Date,
): Promise<LiveEventRow | undefined> {
  return db
    .updateTable('liveEvents')
    .set({ ...patch, updatedAt: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Moves an event from one status to another; undefined when it was not in `from` (a no-op). */
export function transition(
  db: Conn,
  id: string,
  from: LiveEventStatus,
  to: LiveEventStatus,
  now: Date,
  sessionId?: string,
): Promise<LiveEventRow | undefined> {
  return db
    .updateTable('liveEvents')
    .set({ status: to, updatedAt: now, ...(sessionId ? { sessionId } : {}) })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/**
 * The creator's scheduled event a LIVE starting at `at` keeps: open from `earlyMs` before its start
 * to its missed deadline (start + `windowMs(duration)`, computed in SQL the same way), the one whose
 * start is nearest. Locked, so the missed job and the go-live cannot both decide it.
 */
export function scheduledInWindow(
  trx: Conn,
  creatorId: string,
  at: Date,
  earlyMs: number,
): Promise<LiveEventRow | undefined> {
  return trx
    .selectFrom('liveEvents')
    .selectAll()
    .where('creatorId', '=', creatorId)
    .where('status', '=', 'scheduled')
    .where('startsAt', '<=', new Date(at.getTime() + earlyMs))
    .where(
      sql<boolean>`starts_at + greatest(interval '30 minutes', duration_min * interval '30 seconds') >= ${at}`,
    )
    .orderBy(sql`abs(extract(epoch from (starts_at - ${at}::timestamptz)))`)
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export function liveWithSession(trx: Conn, sessionId: string): Promise<LiveEventRow[]> {
  return trx
    .selectFrom('liveEvents')
    .selectAll()
    .where('sessionId', '=', sessionId)
    .where('status', '=', 'live')
    .forUpdate()
    .execute();
}

export function listByCreator(
  db: Conn,
  creatorId: string,
  opts: { when: 'upcoming' | 'past'; now: Date; limit: number },
) {
  let q = withCreator(db).where('e.creatorId', '=', creatorId);
  q =
    opts.when === 'upcoming'
      ? q
          .where('e.status', 'in', ['scheduled', 'live'])
          .where(sql<boolean>`e.starts_at + e.duration_min * interval '1 minute' > ${opts.now}`)
      : q.where((eb) =>
          eb.or([
            eb('e.status', 'in', ['kept', 'missed', 'cancelled']),
            eb('e.startsAt', '<=', opts.now).and('e.status', '=', 'scheduled'),
          ]),
        );
  return q
    .orderBy('e.startsAt', opts.when === 'upcoming' ? 'asc' : 'desc')
    .orderBy('e.id')
    .limit(opts.limit)
    .execute();
}

/** Which of these events the user asked to be reminded of. */
export async function rsvpedAmong(
  db: Conn,
  userId: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('eventRsvps')
    .select('eventId')
    .where('userId', '=', userId)
    .where('eventId', 'in', [...eventIds])
    .execute();
  return new Set(rows.map((r) => r.eventId));
}

/** Adds the RSVP and counts it, once: true when it is new. */
export async function addRsvp(trx: Conn, eventId: string, userId: string, now: Date): Promise<boolean> {
  const row = await trx
    .insertInto('eventRsvps')
    .values({ eventId, userId, createdAt: now })
    .onConflict((oc) => oc.columns(['eventId', 'userId']).doNothing())
    .returning('userId')
    .executeTakeFirst();
  if (!row) return false;
  await trx
    .updateTable('liveEvents')
    .set((eb) => ({ rsvpCount: eb('rsvpCount', '+', 1) }))
    .where('id', '=', eventId)
    .execute();
  return true;
}

export async function removeRsvp(trx: Conn, eventId: string, userId: string): Promise<boolean> {
  const res = await trx
    .deleteFrom('eventRsvps')
    .where('eventId', '=', eventId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  if (res.numDeletedRows === 0n) return false;
  await trx
    .updateTable('liveEvents')
    .set((eb) => ({ rsvpCount: eb('rsvpCount', '-', 1) }))
    .where('id', '=', eventId)
    .execute();
  return true;
}

export async function rsvpUserIds(db: Conn, eventId: string): Promise<string[]> {
  const rows = await db.selectFrom('eventRsvps').select('userId').where('eventId', '=', eventId).execute();
  return rows.map((r) => r.userId);
}
