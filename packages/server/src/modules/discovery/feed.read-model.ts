/**
 * The For You feed's read model: the stored ranking (`live_rankings`, this module's own) with, for a
 * signed-in viewer, social's `follows` and `user_blocks` (boost who they follow, hide who they
 * blocked or who blocked them) and what they watched before, from the studio's `session_viewers`
 * and live's `live_sessions` (their topics and hashtags). The personal score mirrors
 * `personalScore` in `@onair/core` (discovery/personalise.ts); the database computes it for the
 * rooms that can make the page (see `rankedPage`) and orders them by it.
 */
import type { RankingConfig } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface Taste {
  topics: { name: string; share: number }[];
  hashtags: { name: string; share: number }[];
}

export interface FeedFilter {
  viewerId: string | null;
  seen: number[];
  topic?: string | undefined;
}

/** Sessions of the last LIVEs a viewer stayed in (10 s or more) that the taste is read from. */
const TASTE_SESSIONS = 50;

/** Shares of the viewer's recent watching per topic and per hashtag (0..1 each). */
export async function viewerTaste(db: Db, viewerId: string): Promise<Taste> {
  const { rows } = await sql<{ topic: string; hashtags: string[] }>`
    select s.topic, s.hashtags from session_viewers sv join live_sessions s on s.id = sv.session_id
    where sv.viewer_id = ${viewerId} and sv.watch_ms >= 10000
    order by sv.session_started_at desc limit ${TASTE_SESSIONS}`.execute(db);
  const topics = new Map<string, number>();
  const tags = new Map<string, number>();
  for (const r of rows) {
    topics.set(r.topic, (topics.get(r.topic) ?? 0) + 1);
    for (const t of new Set(r.hashtags)) tags.set(t, (tags.get(t) ?? 0) + 1);
  }
  const shares = (m: Map<string, number>) =>
    [...m]
      .map(([name, n]) => ({ name, share: n / Math.max(rows.length, 1) }))
      .sort((a, b) => b.share - a.share);
  return { topics: shares(topics), hashtags: shares(tags).slice(0, 50) };
}

export interface FeedRow {
  sessionId: string;
  shortId: number;
  position: number;
  explorer: boolean;
}

/** The best `limit` rooms not yet seen, in the viewer's order (the shared one when signed out). */
export async function rankedPage(
  db: Db,
  f: FeedFilter,
  taste: Taste,
  c: RankingConfig,
  limit: number,
): Promise<FeedRow[]> {
  const seen = sql`${f.seen}::int8[]`;
  const topic = f.topic ? sql`and lr.topic = ${f.topic}` : sql``;
  if (!f.viewerId) {
    const { rows } = await sql<FeedRow>`
      select lr.session_id, lr.short_id, lr.position, lr.explorer from live_rankings lr
      where lr.short_id <> all(${seen}) ${topic}
      order by lr.score desc, lr.session_id limit ${limit}`.execute(db);
    return rows.map(numeric);
  }
  const me = f.viewerId;
  const topics = taste.topics.map((t) => t.name);
  const tags = taste.hashtags.map((t) => t.name);
  // Only rooms that can make the page are scored: the best by the shared score, the rooms of
  // creators the viewer follows, and the best of each topic and hashtag they watch (a boost is the
  // same for every room of a topic, so a topic's best rooms are the only ones it can lift). Each
  // list walks the score index and stops early, instead of scoring every LIVE room per request.
  const wanted = limit + 10;
  const { rows } = await sql<FeedRow>`
    with candidates as (
      (select lr.session_id from live_rankings lr where lr.short_id <> all(${seen}) ${topic}
        order by lr.score desc, lr.session_id limit ${wanted})
      union
      (select lr.session_id from follows fo join live_rankings lr on lr.creator_id = fo.creator_id
        where fo.follower_id = ${me} and lr.short_id <> all(${seen}) ${topic})
      union
      (select lr.session_id from live_rankings lr
        where lr.topic = any(${topics}::text[]) and lr.short_id <> all(${seen}) ${topic}
        order by lr.score desc, lr.session_id limit ${wanted})
      union
      (select lr.session_id from live_rankings lr
        where lr.hashtags && ${tags}::text[] and lr.short_id <> all(${seen}) ${topic}
        order by lr.score desc, lr.session_id limit ${wanted})
    )
    select lr.session_id, lr.short_id, lr.position, lr.explorer
    from candidates c join live_rankings lr on lr.session_id = c.session_id
    left join follows fo on fo.creator_id = lr.creator_id and fo.follower_id = ${me}
    left join unnest(${topics}::text[], ${taste.topics.map((t) => t.share)}::float8[])
      as tp(name, share) on tp.name = lr.topic
    where lr.creator_id <> ${me}
      and not exists (select 1 from user_blocks b
        where (b.blocker_id = ${me} and b.blocked_id = lr.creator_id)
           or (b.blocker_id = lr.creator_id and b.blocked_id = ${me}))
    order by lr.score
      + case when fo.follower_id is null then 0 else ${c.personal.followed}::float8 end
      + ${c.personal.topic}::float8 * least(coalesce(tp.share, 0), 1)
      + ${c.personal.hashtag}::float8 * least(coalesce((
          select max(h.share) from unnest(${tags}::text[], ${taste.hashtags.map((t) => t.share)}::float8[])
            as h(name, share)
          where h.name = any(lr.hashtags)), 0), 1) desc,
      lr.session_id
    limit ${limit}`.execute(db);
  return rows.map(numeric);
}

/**
 * Small creators not yet seen, in an order of their own per viewer, page and ranking generation:
 * each page offers other newcomers, and a newcomer with no audience still comes round.
 */
export async function explorerPage(db: Db, f: FeedFilter, seed: string, limit: number): Promise<FeedRow[]> {
  if (limit <= 0) return [];
  const topic = f.topic ? sql`and lr.topic = ${f.topic}` : sql``;
  const me = f.viewerId;
  const notBlocked = me
    ? sql`and lr.creator_id <> ${me} and not exists (select 1 from user_blocks b
        where (b.blocker_id = ${me} and b.blocked_id = lr.creator_id)
           or (b.blocker_id = lr.creator_id and b.blocked_id = ${me}))`
    : sql``;
  const { rows } = await sql<FeedRow>`
    select lr.session_id, lr.short_id, lr.position, lr.explorer from live_rankings lr
    where lr.explorer and lr.short_id <> all(${f.seen}::int8[]) ${topic} ${notBlocked}
    order by lr.short_id # ${seedBits(seed)}::int8, lr.session_id limit ${limit}`.execute(db);
  return rows.map(numeric);
}

/** 48 bits of FNV-1a over the seed: XORed with each room's short id, a cheap order of its own per seed. */
function seedBits(seed: string): number {
  let h = 0xcbf29ce484222325n;
  for (const ch of seed) h = ((h ^ BigInt(ch.codePointAt(0)!)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return Number(h & 0xffffffffffffn);
}

const numeric = (r: FeedRow): FeedRow => ({ ...r, shortId: Number(r.shortId), position: Number(r.position) });
