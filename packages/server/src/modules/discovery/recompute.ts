import { createHash } from 'node:crypto';
import { consistencyScore, type RankingConfig, type RoomSignals, rankRooms } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { eventsKeptByCreator } from '../events/consistency.read-model.ts';
import { replaceRankings, type StoredRanking } from './rankings.repository.ts';
import { type LiveRoomSignals, liveSignals } from './signals.read-model.ts';
import { foldViewerEvents } from './viewer-folds.ts';

/** 48 bits of the session id's hash: a feed cursor remembers rooms by it (6 bytes instead of 36). */
export function shortId(sessionId: string): number {
  return createHash('sha256').update(sessionId).digest().readUIntBE(0, 6);
}

/** What the ranking maths takes, from what the read model counted. */
export function toRoomSignals(
  r: LiveRoomSignals,
  kept: { scheduled: number; kept: number } | undefined,
): RoomSignals {
  return {
    sessionId: r.sessionId,
    creatorId: r.creatorId,
    startedAtMs: r.liveAt.getTime(),
    followers: r.followers,
    engagement: r.viewerMinutes > 0 ? r.points / r.viewerMinutes : 0,
    watchTime: r.avgWatchMs,
    newFollowers: r.uniqueViewers > 0 ? (100 * r.newFollowers) / r.uniqueViewers : 0,
    consistency: consistencyScore({
      liveDays28: r.liveDays28,
      eventsScheduled: kept?.scheduled ?? 0,
      eventsKept: kept?.kept ?? 0,
    }),
    retention: r.slow ? r.slow.retention : r.qualified > 0 ? r.returning / r.qualified : 0,
  };
}

export interface RecomputeResult {
  generation: number;
  rooms: number;
  tookMs: number;
}

/**
 * One round of the ranking: read every LIVE room's signals, rank them, store the order. Runs inside
 * the `discovery.rank` job's transaction, so two nodes never interleave generations.
 */
export async function recomputeRanking(
  db: Db,
  c: RankingConfig,
  nowMs: number,
  opts: { sampleMinute: boolean },
): Promise<RecomputeResult> {
  const started = performance.now();
  // Inside the job's transaction only: the statement's cost estimate would have Postgres spend
  // seconds compiling it (JIT) to save milliseconds, and its per-viewer groups outgrow the default
  // work_mem and spill to disk.
  await sql`set local jit = off`.execute(db);
  await sql`set local work_mem = '64MB'`.execute(db);
  // Its row estimates are poor (a CTE's rows are guessed), and with them Postgres sorts a few hundred
  // thousand viewer rows again and again for merge joins; hash joins take one pass each.
  await sql`set local enable_mergejoin = off`.execute(db);
  const { foldedTo } = await foldViewerEvents(db, nowMs, c.windowMs);
  const signals = await liveSignals(db, nowMs, c, foldedTo);
  const kept = await eventsKeptByCreator(
    db,
    signals.map((s) => s.creatorId),
    new Date(nowMs - 28 * 86_400_000),
  );
  const bySession = new Map(signals.map((s) => [s.sessionId, s]));
  const ranked = rankRooms(
    signals.map((s) => toRoomSignals(s, kept.get(s.creatorId))),
    c,
    nowMs,
  );
  const rows: StoredRanking[] = ranked.map((room) => {
    const s = bySession.get(room.sessionId)!;
    const b = Object.fromEntries(room.breakdown.map((x) => [x.signal, x]));
    return {
      sessionId: room.sessionId,
      shortId: shortId(room.sessionId),
      score: room.score,
      position: room.position,
      explorer: room.explorer,
      followers: s.followers,
      engagement: b.engagement!.value,
      watchMs: b.watchTime!.value,
      newFollowers: b.newFollowers!.value,
      consistency: b.consistency!.value,
      retention: b.retention!.value,
      pEngagement: b.engagement!.percentile,
      pWatch: b.watchTime!.percentile,
      pNewFollowers: b.newFollowers!.percentile,
      pConsistency: b.consistency!.percentile,
      pRetention: b.retention!.percentile,
      freshness: room.freshness,
      viewers: s.uniqueViewers,
      slowAt: s.slow?.at ?? new Date(nowMs),
    };
  });
  const minute = new Date(Math.floor(nowMs / 60_000) * 60_000);
  const tookMs = Math.round(performance.now() - started);
  const generation = await replaceRankings(
    db,
    rows,
    new Date(nowMs),
    tookMs,
    opts.sampleMinute ? minute : null,
  );
  return { generation, rooms: rows.length, tookMs };
}
