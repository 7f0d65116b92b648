import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { LiveRankingRow } from '../../db/schema.ts';

// The discovery module's own tables: live_rankings, ranking_history, ranking_state.

/** What a round computes for a room; its creator, topic, hashtags and LIVE time come from its session row. */
export type StoredRanking = Omit<
  LiveRankingRow,
  'generation' | 'computedAt' | 'creatorId' | 'topic' | 'hashtags' | 'liveAt'
>;

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
    // One JSON document for the whole generation: parsed once on the server, where twenty array
    // parameters of 10,000 elements each cost several times more to encode and parse. The room's
    // creator, topic, hashtags and LIVE time come from its session row.
    const doc = JSON.stringify(
      rows.map((r) => ({
        s: r.sessionId,
        h: r.shortId,
        sc: r.score,
        p: r.position,
        x: r.explorer,
        f: r.followers,
        e: r.engagement,
        w: r.watchMs,
        n: r.newFollowers,
        c: r.consistency,
        r: r.retention,
        pe: r.pEngagement,
        pw: r.pWatch,
        pn: r.pNewFollowers,
        pc: r.pConsistency,
        pr: r.pRetention,
        fr: r.freshness,
        v: r.viewers,
        sa: r.slowAt.getTime(),
      })),
    );
    await sql`
      insert into live_rankings (session_id, creator_id, short_id, score, position, explorer, followers, topic,
        hashtags, live_at, engagement, watch_ms, new_followers, consistency, retention, p_engagement, p_watch,
        p_new_followers, p_consistency, p_retention, freshness, viewers, slow_at, generation, computed_at)
      select u.s, s.creator_id, u.h, u.sc, u.p, u.x, u.f, s.topic, s.hashtags, coalesce(s.live_at, s.started_at),
        u.e, u.w, u.n, u.c, u.r, u.pe, u.pw, u.pn, u.pc, u.pr, u.fr, u.v, to_timestamp(u.sa / 1000.0),
        ${generation}::int8, ${at}::timestamptz
      from json_to_recordset(${doc}::json) as u(s uuid, h int8, sc float8, p int4, x bool, f int4, e float8,
        w float8, n float8, c float8, r float8, pe float8, pw float8, pn float8, pc float8, pr float8, fr float8,
        v int4, sa float8)
      join live_sessions s on s.id = u.s`.execute(db);
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
