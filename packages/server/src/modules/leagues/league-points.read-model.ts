import type { LeagueActivity, LeaguePointsFormula } from '@onair/core';
import { sql } from 'kysely';
import { textArrayLiteral } from '../../db/array-literal.ts';
import type { Db } from '../../db/database.ts';

/**
 * Reads: economy: `gift_events` (diamonds credited to each creator); social: `follows` (new
 * followers); live: `live_sessions` (minutes LIVE). The economy's committed gift rows are the
 * record of diamonds earned, so points never depend on the economy's service internals; the
 * `(creator_id, created_at)` index (migration 0017) reaches one creator's window directly.
 *
 * One statement for a whole group or a batch of a settlement: each creator's activity in
 * `[start, end)` and when they last earned (of two equal totals, the first there ranks higher).
 * Terms the formula weighs at 0 are not read.
 */
export interface CreatorActivity extends LeagueActivity {
  /** The last instant the creator earned a point in the window (ms); 0 when they earned none. */
  reachedAt: number;
}

export async function leagueActivity(
  db: Db,
  creatorIds: readonly string[],
  start: Date,
  end: Date,
  formula: LeaguePointsFormula,
): Promise<Map<string, CreatorActivity>> {
  const out = new Map<string, CreatorActivity>();
  const ids = [...new Set(creatorIds)];
  if (ids.length === 0) return out;
  const followers = formula.perNewFollower > 0;
  const minutes = formula.perLiveMinute > 0;
  const { rows } = await sql<{
    creatorId: string;
    diamonds: number | null;
    giftAt: Date | null;
    followers: number | null;
    followAt: Date | null;
    minutes: number | null;
  }>`
    select c.id as creator_id, g.diamonds, g.gift_at, f.followers, f.follow_at, s.minutes
    from unnest(${textArrayLiteral(ids)}::uuid[]) as c(id)
    left join lateral (
      select sum(e.diamonds)::int8 as diamonds, max(e.created_at) as gift_at from gift_events e
      where e.creator_id = c.id and e.created_at >= ${start} and e.created_at < ${end}
    ) g on true
    left join lateral (
      select count(*)::int8 as followers, max(f.created_at) as follow_at from follows f
      where ${followers} and f.creator_id = c.id and f.created_at >= ${start} and f.created_at < ${end}
    ) f on true
    left join lateral (
      select floor(sum(extract(epoch from (
        least(coalesce(s.ended_at, ${end}::timestamptz), ${end}::timestamptz)
        - greatest(s.live_at, ${start}::timestamptz)))) / 60)::int8 as minutes
      from live_sessions s
      where ${minutes} and s.creator_id = c.id and s.live_at is not null
        and s.live_at < ${end} and coalesce(s.ended_at, ${end}::timestamptz) > ${start}
    ) s on true`.execute(db);
  for (const r of rows) {
    const at = Math.max(r.giftAt?.getTime() ?? 0, r.followAt?.getTime() ?? 0);
    out.set(r.creatorId, {
      diamonds: Number(r.diamonds ?? 0),
      newFollowers: Number(r.followers ?? 0),
      liveMinutes: Math.max(0, Number(r.minutes ?? 0)),
      reachedAt: at,
    });
  }
  return out;
}
