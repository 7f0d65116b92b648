import { FAN_ACTIVE_WINDOW_MS } from '@onair/core';
import { type RawBuilder, sql } from 'kysely';
import { textArrayLiteral } from '../../db/array-literal.ts';
import type { Db } from '../../db/database.ts';

/**
 * Active fan-club members, in SQL, for many creators at once. The rule is core's `fanActivity`
 * (`core/src/rewards/fan-activity.ts`): after each of the creator's LIVEs a member has 7 days,
 * [start, start + 7 days), to earn a point; one who lets a window close lapses at its close and is
 * active again from their next point. Unrolled, that is: a member is lapsed at `at` exactly when the
 * latest LIVE that started at or before `at − 7 days` started after the member's last earning up to
 * `at` (joining counts as earning). Every earlier LIVE is then unmet too, and every later one is
 * still open. `active-fans.db.test.ts` holds this query to `fanActivity` on random histories.
 *
 * A LIVE's start is its session's `started_at` (sessions that reached LIVE), read from the live
 * domain's `live_sessions` through `live_sessions_creator_started_idx`.
 */

/** The latest LIVE start per creator at or before `cutoff`, as a lateral-joinable fragment. */
const lastClosedLive = (creatorRef: string, cutoff: Date): RawBuilder<unknown> => sql`(
  select max(s.started_at) as l
  from live_sessions s
  where s.creator_id = ${sql.ref(creatorRef)}
    and s.started_at <= ${cutoff}
    and s.live_at is not null)`;

/**
 * Whether member `m` (with `ll.l` = lastClosedLive) earned between that LIVE and `at`. The stored
 * `last_point_at` answers it without touching the event rows unless the member earned again after
 * `at` (a settlement run some time after its period): then the event rows are asked.
 */
const activeAt = (at: Date): RawBuilder<boolean> => sql<boolean>`(
  ll.l is null
  or m.joined_at >= ll.l
  or (m.last_point_at >= ll.l and m.last_point_at <= ${at})
  or (m.last_point_at > ${at} and exists (
    select 1 from fan_point_events e
    where e.creator_id = m.creator_id and e.fan_id = m.fan_id
      and e.points > 0 and e.at >= ll.l and e.at <= ${at})))`;

export const windowCutoff = (at: Date) => new Date(at.getTime() - FAN_ACTIVE_WINDOW_MS);

/**
 * Active members per creator at `at`, one grouped statement for the whole batch (the weekly
 * settlement asks for ~1,000 creators at a time). Creators without active members map to 0.
 */
export async function activeFanCounts(
  db: Db,
  creatorIds: readonly string[],
  at: Date,
): Promise<Map<string, number>> {
  const ids = [...new Set(creatorIds)];
  const out = new Map<string, number>(ids.map((id) => [id, 0]));
  if (ids.length === 0) return out;
  const { rows } = await sql<{ creatorId: string; active: number }>`
    select c.creator_id, count(*)::int as active
    from unnest(${textArrayLiteral(ids)}::uuid[]) as c(creator_id)
    cross join lateral ${lastClosedLive('c.creator_id', windowCutoff(at))} as ll
    join fan_memberships m on m.creator_id = c.creator_id
    where m.joined_at <= ${at} and ${activeAt(at)}
    group by c.creator_id`.execute(db);
  for (const r of rows) out.set(r.creatorId, Number(r.active));
  return out;
}

/** Whether each listed member of one creator is active at `at` (the Studio's fan list). */
export async function activeMembers(
  db: Db,
  creatorId: string,
  fanIds: readonly string[],
  at: Date,
): Promise<Set<string>> {
  if (fanIds.length === 0) return new Set();
  const { rows } = await sql<{ fanId: string }>`
    select m.fan_id
    from fan_memberships m
    cross join lateral ${lastClosedLive('m.creator_id', windowCutoff(at))} as ll
    where m.creator_id = ${creatorId}
      and m.fan_id = any(${textArrayLiteral([...fanIds])}::uuid[])
      and m.joined_at <= ${at} and ${activeAt(at)}`.execute(db);
  return new Set(rows.map((r) => r.fanId));
}
