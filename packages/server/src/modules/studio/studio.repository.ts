import type { SessionMetrics, ViewerSummary } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { type UserRef, userRef } from '../accounts/public-user.ts';

// The studio's own tables: metric_events, session_metrics, session_viewers. What it reads from other
// domains' tables is in studio.read-model.ts.

/** A batch of events as parallel columns: what `unnest` takes, without building row objects. */
export interface EventColumns {
  sessionIds: string[];
  viewerIds: string[];
  kinds: number[];
  /** Epoch milliseconds. */
  ats: number[];
  values: number[];
}

/** One statement per batch: five array parameters, however many rows. */
export async function insertEvents(db: Db, c: EventColumns): Promise<void> {
  if (c.kinds.length === 0) return;
  await sql`
    insert into metric_events (session_id, viewer_id, kind, at, value)
    select s, v, k, to_timestamp(t / 1000.0), val
    from unnest(${c.sessionIds}::uuid[], ${c.viewerIds}::uuid[], ${c.kinds}::int2[],
                ${c.ats}::float8[], ${c.values}::int8[]) as u(s, v, k, t, val)`.execute(db);
}

export interface FollowSource {
  sharerId: string | null;
  followers: number;
}

export interface StoredRollup {
  sessionId: string;
  creatorId: string;
  startedAt: Date;
  endedAt: Date | null;
  final: boolean;
  diamonds: number;
  metrics: SessionMetrics;
  followSources: FollowSource[];
  computedAt: Date;
}

export async function findRollup(db: Db, sessionId: string): Promise<StoredRollup | undefined> {
  const { rows } = await sql<StoredRollup>`
    select session_id, creator_id, started_at, ended_at, final, diamonds, metrics, follow_sources, computed_at
    from session_metrics where session_id = ${sessionId}`.execute(db);
  return rows[0];
}

/**
 * Stores a session's figures and its per-viewer rows, replacing what an earlier computation stored.
 * Two computations of one session at once (the end hook and a reader) produce the same rows: the
 * second one's inserts wait for the first and then skip.
 */
export async function saveRollup(
  db: Db,
  r: Omit<StoredRollup, 'computedAt'>,
  viewers: (ViewerSummary & { firstAt: number })[],
) {
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into session_metrics (session_id, creator_id, started_at, ended_at, final, diamonds, metrics, follow_sources, computed_at)
      values (${r.sessionId}, ${r.creatorId}, ${r.startedAt}, ${r.endedAt}, ${r.final}, ${r.diamonds},
              ${JSON.stringify(r.metrics)}::jsonb, ${JSON.stringify(r.followSources)}::jsonb, now())
      on conflict (session_id) do update set ended_at = excluded.ended_at, final = excluded.final,
        diamonds = excluded.diamonds, metrics = excluded.metrics, follow_sources = excluded.follow_sources,
        computed_at = now()`.execute(trx);
    await sql`delete from session_viewers where session_id = ${r.sessionId}`.execute(trx);
    if (viewers.length === 0) return;
    const col = <K extends keyof (typeof viewers)[number]>(k: K) => viewers.map((v) => v[k]);
    await sql`
      insert into session_viewers (session_id, creator_id, viewer_id, session_started_at, first_at, watch_ms,
        comments, hearts, shares, gifts, coins, followed)
      select ${r.sessionId}, ${r.creatorId}, v, ${r.startedAt}, to_timestamp(f / 1000.0), w, c, h, s, g, co, fo
      from unnest(${col('viewerId')}::uuid[], ${col('firstAt')}::float8[], ${col('watchMs')}::int8[],
        ${col('comments')}::int4[], ${col('hearts')}::int4[], ${col('shares')}::int4[], ${col('gifts')}::int4[],
        ${col('coins')}::int8[], ${col('followed')}::bool[]) as u(v, f, w, c, h, s, g, co, fo)
      on conflict (session_id, viewer_id) do nothing`.execute(trx);
  });
}

/** Of these viewers, the ones who watched this creator in an earlier session. */
export async function priorViewers(
  db: Db,
  creatorId: string,
  before: Date,
  viewerIds: string[],
): Promise<Set<string>> {
  if (viewerIds.length === 0) return new Set();
  const { rows } = await sql<{ viewerId: string }>`
    select distinct viewer_id from session_viewers
    where creator_id = ${creatorId} and session_started_at < ${before} and viewer_id = any(${viewerIds}::uuid[])`.execute(
    db,
  );
  return new Set(rows.map((r) => r.viewerId));
}

export type { UserRef } from '../accounts/public-user.ts';

export async function users(db: Db, ids: string[]): Promise<Map<string, UserRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users as u')
    .select(userRef('u'))
    .where('u.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The creator's rolled-up sessions started in [from, to], oldest first, without minute series. */
export async function rollupsBetween(db: Db, creatorId: string, from: Date, to: Date, limit: number) {
  const { rows } = await sql<{
    sessionId: string;
    startedAt: Date;
    diamonds: number;
    metrics: Omit<SessionMetrics, 'minutes'>;
  }>`
    select session_id, started_at, diamonds, metrics - 'minutes' as metrics
    from session_metrics
    where creator_id = ${creatorId} and started_at >= ${from} and started_at <= ${to}
    order by started_at
    limit ${limit}`.execute(db);
  return rows;
}

/** The creator's latest rolled-up sessions, newest first, without minute series. */
export async function latestRollups(db: Db, creatorId: string, limit: number) {
  const { rows } = await sql<{
    sessionId: string;
    startedAt: Date;
    metrics: Omit<SessionMetrics, 'minutes'>;
  }>`
    select session_id, started_at, metrics - 'minutes' as metrics
    from session_metrics where creator_id = ${creatorId} and final
    order by started_at desc limit ${limit}`.execute(db);
  return rows;
}
