/**
 * The studio's read model: the one place it reads other domains' tables, and only reads them.
 *
 * - live: `live_sessions` (the sessions a creator lists, the ones ended without a rollup)
 * - economy: `gift_events` (a session's gifts and diamonds, the ledger's own record)
 * - social: `follows` (followers among viewers, when followers visit)
 * - chat: `share_links` (which link brought a follower, the top sharers)
 * - battles: `battles`, `battle_members` (a session's battles as metric events)
 * - accounts: `users`, through its public columns
 *
 * Each query serves a page or the rollup that needs several domains' rows side by side (a session
 * list with its figures, fans with their follow state, a rollup's events): one join in the database
 * instead of a call per domain and a merge in memory, over tables whose owners write them and never
 * learn that the studio reads them.
 */
import { EventKind, type MetricEvent, type SessionMetrics } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { type UserRef, userRefSql } from '../accounts/public-user.ts';
import type { FollowSource } from './studio.repository.ts';

/**
 * A session's events: the captured ones, and its gifts read from the economy's own gift rows (the
 * ledger's record, so the studio can never count a gift the ledger does not hold). Gift rows captured
 * into metric_events by earlier versions are skipped, not counted twice.
 */
export async function loadEvents(db: Db, sessionId: string): Promise<MetricEvent[]> {
  const { rows } = await sql<MetricEvent>`
    select viewer_id, kind, (extract(epoch from at) * 1000)::float8 as at, value
    from metric_events where session_id = ${sessionId} and kind <> ${EventKind.gift}
    union all
    select sender_id, ${EventKind.gift}::int2, (extract(epoch from created_at) * 1000)::float8, coins
    from gift_events where session_id = ${sessionId}`.execute(db);
  return rows;
}

/** Read model over the live domain's sessions: the studio lists them with their figures. */
export interface SessionInfo {
  id: string;
  creatorId: string;
  title: string;
  status: 'connecting' | 'live' | 'ended';
  startedAt: Date;
  liveAt: Date | null;
  endedAt: Date | null;
}

export function findSession(db: Db, id: string): Promise<SessionInfo | undefined> {
  return db
    .selectFrom('liveSessions')
    .select(['id', 'creatorId', 'title', 'status', 'startedAt', 'liveAt', 'endedAt'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Read model over the economy's gift rows: diamonds are the ledger's figure, not recomputed here. */
export async function diamondsOf(db: Db, sessionId: string): Promise<number> {
  const { rows } = await sql<{ d: number }>`
    select coalesce(sum(diamonds), 0)::int8 as d from gift_events where session_id = ${sessionId}`.execute(
    db,
  );
  return rows[0]?.d ?? 0;
}

/** Read model over social's follows and chat's share links: which link brought each new follower. */
export async function followSources(
  db: Db,
  creatorId: string,
  followerIds: string[],
): Promise<FollowSource[]> {
  if (followerIds.length === 0) return [];
  const { rows } = await sql<FollowSource>`
    select sl.sharer_id, count(*)::int8 as followers
    from follows f left join share_links sl on sl.code = f.via_share
    where f.creator_id = ${creatorId} and f.follower_id = any(${followerIds}::uuid[])
    group by sl.sharer_id order by followers desc`.execute(db);
  return rows;
}

export interface SessionRow extends SessionInfo {
  /** Without the per-minute series and lists: what a list row needs. */
  metrics: Omit<SessionMetrics, 'minutes' | 'topSupporters'> | null;
  diamonds: number | null;
  final: boolean | null;
}

export async function listSessions(
  db: Db,
  creatorId: string,
  opts: { before?: Date | undefined; from?: Date | undefined; to?: Date | undefined; limit: number },
): Promise<SessionRow[]> {
  const { rows } = await sql<SessionRow>`
    select ls.id, ls.creator_id, ls.title, ls.status, ls.started_at, ls.live_at, ls.ended_at,
      sm.metrics - 'minutes' - 'topSupporters' as metrics, sm.diamonds, sm.final
    from live_sessions ls left join session_metrics sm on sm.session_id = ls.id
    where ls.creator_id = ${creatorId}
      ${opts.before ? sql`and ls.started_at < ${opts.before}` : sql``}
      ${opts.from ? sql`and ls.started_at >= ${opts.from}` : sql``}
      ${opts.to ? sql`and ls.started_at <= ${opts.to}` : sql``}
    order by ls.started_at desc, ls.id desc
    limit ${opts.limit}`.execute(db);
  return rows;
}

export interface FanRow {
  viewerId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  idxs: number[];
  sessions: number;
  watchMs: number;
  comments: number;
  hearts: number;
  gifts: number;
  coins: number;
  lastSeenAt: Date;
  follower: boolean;
}

/**
 * Everyone with an account who watched the creator's last `window` sessions, with the indexes
 * (0 = latest) of the sessions they watched and their totals.
 */
export async function fans(
  db: Db,
  creatorId: string,
  window: number,
): Promise<{ sessions: number; fans: FanRow[] }> {
  const recent = await db
    .selectFrom('sessionMetrics')
    .select(['sessionId'])
    .where('creatorId', '=', creatorId)
    .orderBy('startedAt', 'desc')
    .limit(window)
    .execute();
  if (recent.length === 0) return { sessions: 0, fans: [] };
  const ids = recent.map((r) => r.sessionId);
  const { rows } = await sql<FanRow>`
    with s as (select id, (ord - 1)::int as idx from unnest(${ids}::uuid[]) with ordinality as t(id, ord))
    select sv.viewer_id, u.handle, u.display_name, u.avatar_url,
      array_agg(s.idx order by s.idx) as idxs, count(*)::int8 as sessions,
      sum(sv.watch_ms)::int8 as watch_ms, sum(sv.comments)::int8 as comments, sum(sv.hearts)::int8 as hearts,
      sum(sv.gifts)::int8 as gifts, sum(sv.coins)::int8 as coins, max(sv.first_at) as last_seen_at,
      bool_or(f.follower_id is not null) as follower
    from session_viewers sv
    join s on s.id = sv.session_id
    join users u on u.id = sv.viewer_id
    left join follows f on f.creator_id = ${creatorId} and f.follower_id = sv.viewer_id
    group by sv.viewer_id, u.handle, u.display_name, u.avatar_url`.execute(db);
  return { sessions: recent.length, fans: rows };
}

export async function sharers(db: Db, creatorId: string, limit: number) {
  const { rows } = await sql<UserRef & { links: number; visits: number; follows: number }>`
    select ${userRefSql('u')}, count(*)::int8 as links,
      sum(sl.visits)::int8 as visits, sum(sl.follows)::int8 as follows
    from share_links sl join users u on u.id = sl.sharer_id
    where sl.creator_id = ${creatorId}
    group by ${userRefSql('u')}
    order by follows desc, visits desc, u.handle
    limit ${limit}`.execute(db);
  return rows;
}

/** Hour of week (UTC, Monday 00:00 = 0) of each visit the creator's followers made to any LIVE since `since`. */
export async function followerActivity(db: Db, creatorId: string, since: Date) {
  const [{ rows }, followers] = await Promise.all([
    sql<{ how: number; visits: number }>`
      select ((extract(isodow from sv.first_at at time zone 'UTC')::int - 1) * 24
              + extract(hour from sv.first_at at time zone 'UTC')::int) as how,
             count(*)::int8 as visits
      from session_viewers sv join follows f on f.follower_id = sv.viewer_id and f.creator_id = ${creatorId}
      where sv.first_at >= ${since}
      group by how`.execute(db),
    db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('creatorId', '=', creatorId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, followers: Number(followers.n) };
}

/**
 * The same visits per UTC hour (the hour's start), for a heatmap in an IANA zone: the zone's rules
 * place each hour, which SQL with one offset could not. At most 24 × days rows.
 */
export async function followerActivityHourly(db: Db, creatorId: string, since: Date) {
  const { rows } = await sql<{ hourStart: Date; visits: number }>`
    select date_trunc('hour', sv.first_at at time zone 'UTC') at time zone 'UTC' as hour_start,
           count(*)::int8 as visits
    from session_viewers sv join follows f on f.follower_id = sv.viewer_id and f.creator_id = ${creatorId}
    where sv.first_at >= ${since}
    group by hour_start`.execute(db);
  return rows.map((r) => ({ hourStart: new Date(r.hourStart).getTime(), visits: Number(r.visits) }));
}

/** When the creator's sessions went LIVE since `since` (live domain's `live_sessions`), for streaks. */
export async function liveStarts(db: Db, creatorId: string, since: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('liveSessions')
    .select('liveAt')
    .where('creatorId', '=', creatorId)
    .where('liveAt', 'is not', null)
    .where('liveAt', '>=', since)
    .orderBy('liveAt', 'desc')
    .execute();
  return rows.map((r) => r.liveAt!.getTime());
}

/** Ended sessions whose figures were never computed (the server stopped before it could). */
export async function endedWithoutRollup(db: Db, creatorId: string, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select ls.id from live_sessions ls
    where ls.creator_id = ${creatorId} and ls.status = 'ended'
      and not exists (select 1 from session_metrics sm where sm.session_id = ls.id and sm.final)
    order by ls.started_at desc limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Read model over the battles domain: the battles this session took part in, as the battle events
 * the metrics expect (start, and end with 1 win / 0 draw / -1 loss once decided). Battles are
 * written by their own service; reading them at rollup time keeps that domain unaware of the studio.
 */
export async function battleEvents(db: Db, sessionId: string): Promise<MetricEvent[]> {
  const { rows } = await sql<{
    opponentId: string | null;
    startedAt: Date;
    endsAt: Date | null;
    decided: boolean;
    result: number;
  }>`
    select o.user_id as opponent_id, b.started_at, coalesce(b.ends_at, b.ended_at) as ends_at,
      (b.status in ('result', 'ended') and b.reason in ('finished', 'forfeit')) as decided,
      (case when b.winner is null then 0 when b.winner = m.side then 1 else -1 end)::int as result
    from battle_members m
    join battles b on b.id = m.battle_id
    left join lateral (
      select user_id from battle_members x where x.battle_id = b.id and x.side <> m.side order by x.slot limit 1
    ) o on true
    where m.session_id = ${sessionId} and b.started_at is not null`.execute(db);
  const out: MetricEvent[] = [];
  for (const r of rows) {
    if (!r.opponentId) continue;
    out.push({ viewerId: r.opponentId, kind: 9, at: r.startedAt.getTime(), value: 1 });
    if (r.decided && r.endsAt)
      out.push({ viewerId: r.opponentId, kind: 10, at: r.endsAt.getTime(), value: r.result });
  }
  return out;
}
