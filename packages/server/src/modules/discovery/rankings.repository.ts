import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { LiveRankingRow } from '../../db/schema.ts';

// The discovery module's own tables: live_rankings, ranking_history, ranking_state.

export type StoredRanking = Omit<LiveRankingRow, 'generation' | 'computedAt'>;

/** One column of the rows, as the array parameter an `unnest` insert takes. */
const column = <K extends keyof StoredRanking>(rows: StoredRanking[], k: K) => rows.map((r) => r[k]);

/**
 * Replaces the stored ranking with a new generation: the rows of rooms no longer LIVE go, the others
 * are rewritten, in the caller's transaction, so readers see the old or the new order, never a mix.
 */
export async function replaceRankings(
  db: Db,
  rows: StoredRanking[],
  at: Date,
  tookMs: number,
  sampleMinute: Date | null,
): Promise<number> {
  const state = await db
    .updateTable('rankingState')
    .set((eb) => ({ generation: eb('generation', '+', 1), computedAt: at, rooms: rows.length, tookMs }))
    .where('id', '=', 1)
    .returning('generation')
    .executeTakeFirstOrThrow();
  const generation = Number(state.generation);
  await db.deleteFrom('liveRankings').execute();
  if (rows.length > 0) {
    const col = <K extends keyof StoredRanking>(k: K) => column(rows, k);
    await sql`
      insert into live_rankings (session_id, creator_id, short_id, score, position, explorer, followers, topic,
        hashtags, live_at, engagement, watch_ms, new_followers, consistency, retention, p_engagement, p_watch,
        p_new_followers, p_consistency, p_retention, freshness, viewers, slow_at, generation, computed_at)
      select u.session_id, u.creator_id, u.short_id, u.score, u.position, u.explorer, u.followers, u.topic,
        coalesce(string_to_array(nullif(u.hashtags, ''), ' '), '{}'), u.live_at, u.engagement, u.watch_ms,
        u.new_followers, u.consistency, u.retention, u.p_engagement, u.p_watch, u.p_new_followers,
        u.p_consistency, u.p_retention, u.freshness, u.viewers, u.slow_at, ${generation}::int8, ${at}::timestamptz
      from unnest(${col('sessionId')}::uuid[], ${col('creatorId')}::uuid[], ${col('shortId')}::int8[],
        ${col('score')}::float8[], ${col('position')}::int4[], ${col('explorer')}::bool[],
        ${col('followers')}::int4[], ${col('topic')}::text[],
        -- Hashtags travel as one space-separated string per room: unnest cannot take a ragged text[][].
        ${rows.map((r) => r.hashtags.join(' '))}::text[], ${col('liveAt')}::timestamptz[],
        ${col('engagement')}::float8[], ${col('watchMs')}::float8[], ${col('newFollowers')}::float8[],
        ${col('consistency')}::float8[], ${col('retention')}::float8[], ${col('pEngagement')}::float8[],
        ${col('pWatch')}::float8[], ${col('pNewFollowers')}::float8[], ${col('pConsistency')}::float8[],
        ${col('pRetention')}::float8[], ${col('freshness')}::float8[], ${col('viewers')}::int4[],
        ${col('slowAt')}::timestamptz[])
        as u(session_id, creator_id, short_id, score, position, explorer, followers, topic, hashtags, live_at,
          engagement, watch_ms, new_followers, consistency, retention, p_engagement, p_watch, p_new_followers,
          p_consistency, p_retention, freshness, viewers, slow_at)`.execute(db);
  }
  if (sampleMinute && rows.length > 0) {
    await sql`
      insert into ranking_history (session_id, minute, score, position, rooms)
      select s, ${sampleMinute}::timestamptz, sc, p, ${rows.length}::int4
      from unnest(${column(rows, 'sessionId')}::uuid[], ${column(rows, 'score')}::float8[],
        ${column(rows, 'position')}::int4[]) as u(s, sc, p)
      on conflict do nothing`.execute(db);
  }
  return generation;
}

export function rankingState(db: Db) {
  return db.selectFrom('rankingState').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

/** The creator's room in the current ranking, if LIVE and ranked. */
export function rankingOfCreator(db: Db, creatorId: string) {
  return db.selectFrom('liveRankings').selectAll().where('creatorId', '=', creatorId).executeTakeFirst();
}

/** Per-minute samples of one session's score and position, oldest first. */
export function history(db: Db, sessionId: string) {
  return db
    .selectFrom('rankingHistory')
    .select(['minute', 'score', 'position', 'rooms'])
    .where('sessionId', '=', sessionId)
    .orderBy('minute')
    .limit(24 * 60)
    .execute();
}
