/**
 * The ranking's running totals (discovery's own `ranking_viewers`, `ranking_folds` and the
 * watermarks in `ranking_state`), folded from the studio's `metric_events`.
 *
 * Re-aggregating every event of every LIVE each round cost most of a round at 10,000 rooms. Every
 * per-viewer figure the ranking needs is a sum, a count, a min, a max or an "or", so it can be
 * carried forward: each round adds the events since the last watermark and takes off the
 * engagement that slid out of the window. The watermark trails "now" by `FOLD_LAG_MS`: the recorder
 * writes events in batches, and an event written after its time was folded past would be missed.
 * Nor does it pass the newest event the previous round saw written: a clock moved ahead (a test's)
 * could otherwise fold past events still in a batch.
 * The read (`signals.read-model.ts`) adds the events after the watermark, so its figures are the
 * same as a count of every event (`viewer-folds.db.test.ts` holds the two to the same numbers).
 *
 * Each session is rebuilt from all its events about once a minute (at an offset of its own, so rounds
 * share the work): an event that did arrive late, after a database outage say, counts again within
 * a minute. A clock up to a minute behind the last round's (another node's) folds nothing new; one
 * further back, or a changed window, starts every total over.
 */
import { EventKind } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * How far behind "now" the folded totals stay: the recorder writes its batches every 200 ms, and
 * the events after the watermark are what each round reads afresh, so it is kept short.
 */
export const FOLD_LAG_MS = 5_000;

/** How far behind the last round a round's clock may be before the totals are started over. */
const SKEW_MS = 60_000;

const VIEW_START = EventKind.viewStart;
const VIEW_END = EventKind.viewEnd;
const COMMENT = EventKind.comment;
const HEART = EventKind.heart;
const SHARE = EventKind.share;
const FOLLOW = EventKind.follow;
/** The kinds the ranking reads; the others (gifts come from the economy) are left out. */
const RANKED_KINDS = [VIEW_START, VIEW_END, COMMENT, HEART, SHARE, FOLLOW];

export interface FoldResult {
  /**
   * The watermark the totals reach: the read adds the events after it. Null on a first round,
   * which has not yet seen what is written: the read then counts every event.
   */
  foldedTo: Date | null;
  /** Sessions rebuilt from all their events this round. */
  rebuilt: number;
}

const ms = sql`extract(epoch from e.at)::float8 * 1000`;

/**
 * Brings the running totals of every room LIVE now up to `nowMs - FOLD_LAG_MS`, or to the newest
 * event the previous round saw if that is earlier, in the caller's transaction (the ranking
 * round's: a round that fails leaves the totals as they were).
 */
export async function foldViewerEvents(db: Db, nowMs: number, windowMs: number): Promise<FoldResult> {
  const now = new Date(nowMs);
  let windowStart = new Date(nowMs - windowMs);
  // The row lock also keeps two rounds (a job and a direct call) from folding the same events twice.
  const { rows } = await sql<{
    foldedTo: Date | null;
    expiredTo: Date | null;
    windowMs: number | null;
    seenTo: Date | null;
  }>`select folded_to, expired_to, window_ms, seen_to from ranking_state where id = 1 for update`.execute(db);
  const state = rows[0];
  // The newest event written so far (the end of the `at` index): the next round folds no further,
  // so an event stamped before it but still in a recorder's batch is not passed over.
  const seen = await sql<{ at: Date | null }>`select max(at) as at from metric_events`.execute(db);
  const seenTo = seen.rows[0]?.at ?? null;
  const lagged = nowMs - FOLD_LAG_MS;
  const toMs = state?.seenTo ? Math.min(lagged, state.seenTo.getTime()) : null;
  if (toMs === null) {
    await sql`update ranking_state set seen_to = ${seenTo} where id = 1`.execute(db);
    return { foldedTo: null, rebuilt: 0 };
  }
  let to = new Date(toMs);
  let from = state?.foldedTo ?? null;
  let expiredFrom = state?.expiredTo ?? null;
  if (from && expiredFrom && state?.windowMs === windowMs && from > to && from.getTime() - toMs <= SKEW_MS) {
    // This node's clock is a little behind the one that ran the last round (the job moves between
    // nodes): fold nothing new this round rather than start every total over.
    to = from;
    if (expiredFrom > windowStart) windowStart = expiredFrom;
  }
  if (
    from === null ||
    expiredFrom === null ||
    state?.windowMs !== windowMs ||
    from > to ||
    expiredFrom > windowStart
  ) {
    await sql`delete from ranking_viewers`.execute(db);
    await sql`delete from ranking_folds`.execute(db);
    from = null;
    expiredFrom = null;
  }

  // Sessions that are no longer LIVE leave the totals.
  await sql`
    with gone as (
      delete from ranking_folds rf where not exists (
        select 1 from rooms r join live_sessions s on s.id = r.current_session_id
        where s.id = rf.session_id and r.state = 'live' and s.status = 'live')
      returning rf.session_id)
    delete from ranking_viewers v using gone where v.session_id = gone.session_id`.execute(db);

  const due = await sql<{ sessionId: string }>`
    select s.id as session_id
    from rooms r join live_sessions s on s.id = r.current_session_id
    left join ranking_folds rf on rf.session_id = s.id
    where r.state = 'live' and s.status = 'live'
      and (rf.session_id is null
        or rf.rebuilt_at < ${now}::timestamptz - make_interval(secs => 60 + abs(hashtext(s.id::text)) % 60))`.execute(
    db,
  );
  const rebuild = due.rows.map((r) => r.sessionId);

  if (from !== null && expiredFrom !== null)
    await addSince(db, { from, to, expiredFrom, windowStart, rebuild });
  if (rebuild.length > 0) await rebuildSessions(db, rebuild, to, windowStart, now);
  await sql`
    update ranking_state set folded_to = ${to}, expired_to = ${windowStart}, window_ms = ${windowMs}, seen_to = ${seenTo}
    where id = 1`.execute(db);
  return { foldedTo: to, rebuilt: rebuild.length };
}

/** Every event up to `to` of the sessions in `ids`, counted from nothing. */
async function rebuildSessions(db: Db, ids: string[], to: Date, windowStart: Date, now: Date) {
  await sql`delete from ranking_viewers where session_id = any(${ids}::uuid[])`.execute(db);
  await sql`
    insert into ranking_viewers (session_id, viewer_id, net_ms, starts, ends, first_start_ms, last_end_ms, followed,
      comments, shares, hearts)
    select e.session_id, e.viewer_id,
      sum(case e.kind when ${VIEW_END} then ${ms} when ${VIEW_START} then -${ms} else 0 end),
      count(*) filter (where e.kind = ${VIEW_START}),
      count(*) filter (where e.kind = ${VIEW_END}),
      min(${ms}) filter (where e.kind = ${VIEW_START}),
      max(${ms}) filter (where e.kind = ${VIEW_END}),
      bool_or(e.kind = ${FOLLOW}),
      count(*) filter (where e.kind = ${COMMENT} and e.at >= ${windowStart}),
      count(*) filter (where e.kind = ${SHARE} and e.at >= ${windowStart}),
      coalesce(sum(e.value) filter (where e.kind = ${HEART} and e.at >= ${windowStart}), 0)::float8
    from live_sessions s join metric_events e on e.session_id = s.id
    where s.id = any(${ids}::uuid[]) and e.viewer_id <> s.creator_id and e.at <= ${to}
      and e.kind in (${sql.join(RANKED_KINDS)})
    group by e.session_id, e.viewer_id`.execute(db);
  await sql`
    insert into ranking_folds (session_id, rebuilt_at)
    select unnest(${ids}::uuid[]), ${now}::timestamptz
    on conflict (session_id) do update set rebuilt_at = excluded.rebuilt_at`.execute(db);
}

/**
 * The events in (from, to] added to the folded sessions' totals (engagement only from the window's
 * start on), and the engagement in [expiredFrom, windowStart) that slid out of the window taken off.
 */
async function addSince(
  db: Db,
  w: { from: Date; to: Date; expiredFrom: Date; windowStart: Date; rebuild: string[] },
) {
  const added = sql`e.at > ${w.from}`;
  const expired = sql`e.at < ${w.windowStart}`;
  const inWindow = sql`e.at >= ${w.windowStart}`;
  const engagement = (kind: number) =>
    sql`count(*) filter (where e.kind = ${kind} and ${added} and ${inWindow})
      - count(*) filter (where e.kind = ${kind} and not ${added} and ${expired})`;
  await sql`
    insert into ranking_viewers (session_id, viewer_id, net_ms, starts, ends, first_start_ms, last_end_ms, followed,
      comments, shares, hearts)
    select e.session_id, e.viewer_id,
      coalesce(sum(case e.kind when ${VIEW_END} then ${ms} when ${VIEW_START} then -${ms} else 0 end)
        filter (where ${added}), 0),
      count(*) filter (where e.kind = ${VIEW_START} and ${added}),
      count(*) filter (where e.kind = ${VIEW_END} and ${added}),
      min(${ms}) filter (where e.kind = ${VIEW_START} and ${added}),
      max(${ms}) filter (where e.kind = ${VIEW_END} and ${added}),
      coalesce(bool_or(e.kind = ${FOLLOW} and ${added}), false),
      ${engagement(COMMENT)},
      ${engagement(SHARE)},
      coalesce(sum(e.value) filter (where e.kind = ${HEART} and ${added} and ${inWindow}), 0)::float8
        - coalesce(sum(e.value) filter (where e.kind = ${HEART} and not ${added} and ${expired}), 0)::float8
    from (
      -- Two ranges of each session's (session_id, at) index, rather than one scan of every event.
      select e.* from ranking_folds rf join metric_events e on e.session_id = rf.session_id
      where e.at > ${w.from} and e.at <= ${w.to} and e.kind in (${sql.join(RANKED_KINDS)})
        and not (rf.session_id = any(${w.rebuild}::uuid[]))
      union all
      select e.* from ranking_folds rf join metric_events e on e.session_id = rf.session_id
      where e.at >= ${w.expiredFrom} and e.at < ${w.windowStart} and e.at <= ${w.from}
        and e.kind in (${COMMENT}, ${HEART}, ${SHARE})
        and not (rf.session_id = any(${w.rebuild}::uuid[]))
    ) e
    join live_sessions s on s.id = e.session_id
    where e.viewer_id <> s.creator_id
    group by e.session_id, e.viewer_id
    on conflict (session_id, viewer_id) do update set
      net_ms = ranking_viewers.net_ms + excluded.net_ms,
      starts = ranking_viewers.starts + excluded.starts,
      ends = ranking_viewers.ends + excluded.ends,
      first_start_ms = least(ranking_viewers.first_start_ms, excluded.first_start_ms),
      last_end_ms = greatest(ranking_viewers.last_end_ms, excluded.last_end_ms),
      followed = ranking_viewers.followed or excluded.followed,
      comments = ranking_viewers.comments + excluded.comments,
      shares = ranking_viewers.shares + excluded.shares,
      hearts = ranking_viewers.hearts + excluded.hearts`.execute(db);
}
