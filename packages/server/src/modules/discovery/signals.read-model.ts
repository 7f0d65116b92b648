/**
 * The ranking's read model: what each room LIVE now did, from the counters other domains already
 * keep. It only reads:
 *
 * - live: `rooms`, `live_sessions` (who is LIVE now, since when, topic and hashtags; LIVE days)
 * - studio: `metric_events` (views, comments, hearts, shares, follows), `session_viewers` (who
 *   watched the creator's earlier LIVEs)
 * - economy: `gift_events` (gifts, the ledger's own record)
 * - social: `follows` (follower counts)
 * - discovery (its own): `live_rankings` (the last round's slow figures, kept up to a minute)
 *
 * One grouped statement per signal family over every LIVE room at once, so a recompute costs a few
 * queries whatever the number of rooms, and nothing is added to the paths comments or gifts take.
 */
import type { RankingConfig } from '@onair/core';
import { EventKind } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface LiveRoomSignals {
  sessionId: string;
  creatorId: string;
  liveAt: Date;
  topic: string;
  hashtags: string[];
  /** Engagement points of viewers who watched long enough in the window (caps applied). */
  points: number;
  /** Watch minutes of those viewers inside the window. */
  viewerMinutes: number;
  /** Average watch of this LIVE so far, over every viewer. */
  avgWatchMs: number;
  uniqueViewers: number;
  newFollowers: number;
  /** Viewers of this LIVE who watched one of the creator's last 5 LIVEs. */
  returning: number;
  /** Viewers who stayed long enough (retention's denominator). */
  qualified: number;
  /** Followers, counted up to the newcomer threshold (all the ranking needs to know). */
  followers: number;
  liveDays28: number;
  /**
   * When this round kept the last count of the slow figures (followers above, and retention):
   * `returning` is then not counted and `retention` is the one stored at `at`.
   */
  slow: { retention: number; at: Date } | null;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Per LIVE session: per-viewer activity first (watch so far, window activity, caps), then summed.
 *
 * Watch so far, per viewer, without pairing starts and ends: the sum of end times minus the sum of
 * start times, plus "now" for a view still open (starts outnumber ends), clamped to the LIVE's age.
 * The window's watch is that, bounded by the span from the viewer's first start (or the window's
 * start) to their last end (or now). Engagement mirrors `engagementRate` in `@onair/core`
 * (discovery/engagement.ts) over those window watches; `signals.db.test.ts` holds the two to the
 * same numbers.
 *
 * With `foldedTo` (the watermark `foldViewerEvents` just brought the running totals to), a folded
 * session's viewers come from their totals plus the events after it; without, from every event.
 */
export async function liveSignals(
  db: Db,
  nowMs: number,
  c: RankingConfig,
  foldedTo: Date | null = null,
): Promise<LiveRoomSignals[]> {
  const { rows } = await signalsQuery(nowMs, c, foldedTo).execute(db);
  return rows.map((r) => ({
    sessionId: r.sessionId as string,
    creatorId: r.creatorId as string,
    liveAt: new Date(r.liveAt as Date),
    topic: r.topic as string,
    hashtags: r.hashtags as string[],
    points: num(r.points),
    viewerMinutes: num(r.viewerMinutes),
    avgWatchMs: num(r.avgWatchMs),
    uniqueViewers: num(r.uniqueViewers),
    newFollowers: num(r.newFollowers),
    returning: num(r.returning),
    qualified: num(r.qualified),
    followers: num(r.followers),
    liveDays28: num(r.liveDays28),
    slow: r.cached ? { retention: num(r.cachedRetention), at: new Date(r.cachedAt as Date) } : null,
  }));
}

/** The statement `liveSignals` runs (the bench explains it). */
export function signalsQuery(nowMs: number, c: RankingConfig, foldedTo: Date | null = null) {
  const now = new Date(nowMs);
  const windowStart = new Date(nowMs - c.windowMs);
  return sql<Record<string, unknown>>`
    with live as (
      select s.id as session_id, s.creator_id, coalesce(s.live_at, s.started_at) as live_at, s.topic, s.hashtags,
        extract(epoch from (${now}::timestamptz - coalesce(s.live_at, s.started_at)))::float8 * 1000 as age_ms
      from rooms r join live_sessions s on s.id = r.current_session_id
      where r.state = 'live' and s.status = 'live'
    ),
    -- Followers and returning viewers move slowly and cost the most to count: each room recounts
    -- them about once a minute (at an offset of its own, so rounds share the work) and keeps the
    -- last round's figures in between.
    refresh as (
      select l.session_id, l.creator_id from live l left join live_rankings st on st.session_id = l.session_id
      where st.slow_at is null
         or st.slow_at < ${now}::timestamptz - make_interval(secs => 60 + abs(hashtext(l.session_id::text)) % 60)
    ),
    -- Folded sessions: their running totals plus the events after the watermark. The others (none
    -- but a room that went LIVE after this round's fold, or a read without a fold): every event.
    folded as (
      select rf.session_id from ranking_folds rf join live l on l.session_id = rf.session_id
      where ${foldedTo !== null}
    ),
    event_rows as (
      select e.session_id, e.viewer_id, e.kind, e.at, e.value
      from folded f join metric_events e on e.session_id = f.session_id
      where e.at > ${foldedTo ?? now}::timestamptz and e.at <= ${now}
      union all
      select e.session_id, e.viewer_id, e.kind, e.at, e.value
      from live l join metric_events e on e.session_id = l.session_id
      where e.at <= ${now} and not exists (select 1 from folded f where f.session_id = l.session_id)
    ),
    event_viewers as (
      select e.session_id, e.viewer_id,
        sum(case e.kind when ${EventKind.viewEnd} then extract(epoch from e.at)::float8 * 1000
                        when ${EventKind.viewStart} then -extract(epoch from e.at)::float8 * 1000 else 0 end) as net_ms,
        count(*) filter (where e.kind = ${EventKind.viewStart}) as starts,
        count(*) filter (where e.kind = ${EventKind.viewEnd}) as ends,
        min(extract(epoch from e.at)::float8 * 1000) filter (where e.kind = ${EventKind.viewStart}) as first_start_ms,
        max(extract(epoch from e.at)::float8 * 1000) filter (where e.kind = ${EventKind.viewEnd}) as last_end_ms,
        count(*) filter (where e.kind = ${EventKind.comment} and e.at >= ${windowStart}) as comments,
        count(*) filter (where e.kind = ${EventKind.share} and e.at >= ${windowStart}) as shares,
        coalesce(sum(e.value) filter (where e.kind = ${EventKind.heart} and e.at >= ${windowStart}), 0)::float8 as hearts,
        bool_or(e.kind = ${EventKind.follow}) as followed
      from event_rows e join live l on l.session_id = e.session_id
      where e.viewer_id <> l.creator_id
      group by e.session_id, e.viewer_id
    ),
    viewer_events as (
      select coalesce(t.session_id, v.session_id) as session_id, coalesce(t.viewer_id, v.viewer_id) as viewer_id,
        coalesce(v.net_ms, 0) + coalesce(t.net_ms, 0) as net_ms,
        coalesce(v.starts, 0) + coalesce(t.starts, 0) as starts,
        coalesce(v.ends, 0) + coalesce(t.ends, 0) as ends,
        least(v.first_start_ms, t.first_start_ms) as first_start_ms,
        greatest(v.last_end_ms, t.last_end_ms) as last_end_ms,
        coalesce(v.comments, 0) + coalesce(t.comments, 0) as comments,
        coalesce(v.shares, 0) + coalesce(t.shares, 0) as shares,
        coalesce(v.hearts, 0) + coalesce(t.hearts, 0) as hearts,
        coalesce(v.followed, false) or coalesce(t.followed, false) as followed
      -- Only folded sessions have totals (the fold keeps the two tables together); a session that
      -- ended since is dropped by the join with "live" below.
      from (select * from ranking_viewers where ${foldedTo !== null}) v
      full join event_viewers t on t.session_id = v.session_id and t.viewer_id = v.viewer_id
    ),
    viewer_gifts as (
      select g.session_id, g.sender_id as viewer_id, sum(g.coins)::float8 as coins
      from gift_events g join live l on l.session_id = g.session_id
      where g.created_at >= ${windowStart}
      group by g.session_id, g.sender_id
    ),
    prior as (
      select l.session_id, p.id as prior_id
      from refresh l cross join lateral (
        select id from live_sessions ps
        where ps.creator_id = l.creator_id and ps.status = 'ended'
        order by ps.started_at desc limit 5
      ) p
    ),
    returning_viewers as (
      select distinct p.session_id, sv.viewer_id
      from prior p join session_viewers sv on sv.session_id = p.prior_id
    ),
    -- Materialized: each viewer's figures are computed once, not at every use below. Watch so far
    -- and the span the viewer was around in the window, in epoch ms.
    windowed as materialized (
      select v.session_id, v.starts, v.followed, v.comments, v.shares, v.hearts,
        coalesce(g.coins, 0::float8) as coins, w.watch_ms,
        greatest(0, least(w.watch_ms, w.span_ms)) as window_ms,
        rv.viewer_id is not null as returning
      from viewer_events v
      join live l on l.session_id = v.session_id
      left join viewer_gifts g on g.session_id = v.session_id and g.viewer_id = v.viewer_id
      left join returning_viewers rv on rv.session_id = v.session_id and rv.viewer_id = v.viewer_id
      cross join lateral (select
        greatest(0, least(v.net_ms + (case when v.starts > v.ends then ${nowMs}::float8 else 0 end), l.age_ms)) as watch_ms,
        (case when v.starts > v.ends then ${nowMs}::float8 else coalesce(v.last_end_ms, ${nowMs}::float8) end)
          - greatest(coalesce(v.first_start_ms, ${nowMs}::float8), ${nowMs - c.windowMs}::float8) as span_ms
      ) w
    ),
    -- Summed per session id alone (hashing the room's other columns for every viewer cost more);
    -- the rooms without viewers come back in with the join below.
    per_viewers as (
      select v.session_id,
        sum(
          case when v.window_ms >= ${c.minWatchMs} and v.window_ms > 0 then
            v.comments * ${c.commentPoints}::float8 + v.shares * ${c.sharePoints}::float8
            + least(v.hearts, ${c.heartCapPerViewer}) * ${c.heartPoints}::float8
            + ${c.giftPointsPerLog}::float8 * ln(1 + least(v.coins, ${c.giftCoinCapPerSender}))
          else 0 end) as points,
        sum(
          case when v.window_ms >= ${c.minWatchMs} and v.window_ms > 0 then least(v.window_ms, ${c.windowMs})
          else 0 end) / 60000.0 as viewer_minutes,
        avg(v.watch_ms) filter (where v.starts > 0) as avg_watch_ms,
        count(*) filter (where v.starts > 0) as unique_viewers,
        count(*) filter (where v.followed) as new_followers,
        count(*) filter (where v.watch_ms >= ${c.minWatchMs}) as qualified,
        count(*) filter (where v.watch_ms >= ${c.minWatchMs} and v.returning) as returning
      from windowed v
      group by v.session_id
    ),
    per_session as (
      select l.session_id, l.creator_id, l.live_at, l.topic, l.hashtags,
        coalesce(a.points, 0) as points, coalesce(a.viewer_minutes, 0) as viewer_minutes,
        coalesce(a.avg_watch_ms, 0) as avg_watch_ms, coalesce(a.unique_viewers, 0) as unique_viewers,
        coalesce(a.new_followers, 0) as new_followers, coalesce(a.qualified, 0) as qualified,
        coalesce(a.returning, 0) as returning
      from live l left join per_viewers a on a.session_id = l.session_id
    ),
    followers as (
      select l.session_id, (select count(*) from (
        select 1 from follows f where f.creator_id = l.creator_id limit ${c.explorationMaxFollowers}
      ) capped) as n
      from refresh l
    ),
    live_days as (
      select s.creator_id, count(distinct date_trunc('day', s.live_at at time zone 'UTC')) as n
      from live_sessions s
      where s.creator_id in (select creator_id from live)
        and s.live_at is not null and s.live_at >= ${new Date(nowMs - 28 * 86_400_000)}
      group by s.creator_id
    )
    select ps.session_id, ps.creator_id, ps.live_at, ps.topic, ps.hashtags, ps.points, ps.viewer_minutes,
      ps.avg_watch_ms, ps.unique_viewers, ps.new_followers, ps.returning, ps.qualified,
      coalesce(f.n, st.followers, 0) as followers, coalesce(d.n, 0) as live_days28,
      f.session_id is null as cached, st.retention as cached_retention, st.slow_at as cached_at
    from per_session ps
    left join followers f on f.session_id = ps.session_id
    left join live_rankings st on st.session_id = ps.session_id
    left join live_days d on d.creator_id = ps.creator_id`;
}
