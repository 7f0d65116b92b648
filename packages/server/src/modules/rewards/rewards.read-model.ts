import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * What LIVE Rewards reads of other domains, in one place:
 * - live: `live_sessions` (a LIVE's start, end and creator; the LIVEs of a week);
 * - economy: `gift_events` (diamonds credited per session, and per creator in a window: the gift
 *   row carries the diamonds its transfer credited, so no ledger join is needed);
 * - social: `follows` (followers gained while a LIVE ran).
 * Each settlement asks for a set of creators or one session in one statement, so a week of
 * 100,000 creators is a few dozen statements, not one per creator.
 */

export interface SessionFacts {
  sessionId: string;
  creatorId: string;
  status: 'connecting' | 'live' | 'ended';
  startMs: number;
  endMs: number | null;
  diamonds: number;
  newFollowers: number;
}

const ms = (column: string) => sql<number>`floor(extract(epoch from ${sql.raw(column)}) * 1000)::int8`;

/** A LIVE with its diamonds and the follows made while it ran; undefined when there is no such session. */
export async function sessionFacts(db: Db, sessionId: string): Promise<SessionFacts | undefined> {
  const { rows } = await sql<SessionFacts>`
    select s.id as session_id, s.creator_id, s.status,
      ${ms('coalesce(s.live_at, s.started_at)')} as start_ms,
      case when s.ended_at is null then null else ${ms('s.ended_at')} end as end_ms,
      (select coalesce(sum(g.diamonds), 0)::int8 from gift_events g where g.session_id = s.id) as diamonds,
      (select count(*)::int8 from follows f where f.creator_id = s.creator_id
        and f.created_at >= coalesce(s.live_at, s.started_at) and f.created_at < s.ended_at) as new_followers
    from live_sessions s where s.id = ${sessionId}::uuid`.execute(db);
  return rows[0];
}

/** Ended LIVEs in [fromMs, toMs) with no per-LIVE payout yet: the ones a settlement job missed. */
export async function endedUnsettled(db: Db, fromMs: number, toMs: number, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select s.id from live_sessions s
    where s.status = 'ended' and s.ended_at >= ${new Date(fromMs)} and s.ended_at < ${new Date(toMs)}
      and not exists (select 1 from reward_payouts r
        where r.creator_id = s.creator_id and r.kind = 'live' and r.period_key = s.id::text)
    order by s.ended_at limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}

/** Diamonds per creator credited by gifts in [fromMs, toMs), as a relation (`creator_id, diamonds`). */
export function diamondsByCreator(
  fromMs: number,
  toMs: number,
): RawBuilder<{ creatorId: string; diamonds: number }> {
  return sql`
    select g.creator_id, sum(g.diamonds)::int8 as diamonds from gift_events g
    where g.created_at >= ${new Date(fromMs)} and g.created_at < ${new Date(toMs)}
    group by g.creator_id`;
}

/** One creator's diamonds in [fromMs, toMs). */
export async function creatorDiamonds(
  db: Db,
  creatorId: string,
  fromMs: number,
  toMs: number,
): Promise<number> {
  const { rows } = await sql<{ diamonds: number }>`
    select coalesce(sum(g.diamonds), 0)::int8 as diamonds from gift_events g
    where g.creator_id = ${creatorId}::uuid
      and g.created_at >= ${new Date(fromMs)} and g.created_at < ${new Date(toMs)}`.execute(db);
  return rows[0]?.diamonds ?? 0;
}

export interface CreatorLive {
  creatorId: string;
  startedAt: number;
  endedAt: number;
}

/**
 * The LIVEs these creators started in [fromMs, toMs), each from its first frame (or its start) to
 * its end; one still running counts up to `nowMs`.
 */
export async function livesOf(
  db: Db,
  creatorIds: readonly string[],
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<CreatorLive[]> {
  if (creatorIds.length === 0) return [];
  const { rows } = await sql<CreatorLive>`
    select s.creator_id, ${ms('coalesce(s.live_at, s.started_at)')} as started_at,
      ${ms(`coalesce(s.ended_at, greatest(coalesce(s.live_at, s.started_at), to_timestamp(${Math.floor(nowMs)} / 1000.0)))`)} as ended_at
    from live_sessions s
    where s.creator_id = any(${[...creatorIds]}::uuid[])
      and s.started_at >= ${new Date(fromMs)} and s.started_at < ${new Date(toMs)}
      and s.status <> 'connecting'`.execute(db);
  return rows;
}
