import type { RankingConfig } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../../packages/server/src/db/database.ts';
import { recomputeRanking } from '../../../packages/server/src/modules/discovery/recompute.ts';
import { rng } from '../load.ts';
import { progress } from '../stats.ts';

export interface RankRounds {
  /** The first round after a start: no running totals yet, every event counted. */
  coldMs: number;
  /** The round that builds every room's running totals. */
  buildMs: number;
  /** Steady rounds, `intervalMs` apart, each after that interval's new activity was written. */
  samples: number[];
  eventsPerRound: number;
}

/**
 * Ranking rounds as a worker runs them: one every `intervalMs` of (simulated) time, each after the
 * activity of that interval was written (views starting and ending, comments, hearts, shares,
 * follows spread over the LIVE rooms), so a steady round folds fresh events, slides the window and
 * rebuilds the rooms whose turn it is. The first two rounds after a start cost more and are reported
 * apart.
 */
export async function rankRounds(
  db: Db,
  c: RankingConfig,
  p: { seedNow: number; rounds: number; intervalMs: number; eventsPerRound: number },
): Promise<RankRounds> {
  const round = (now: number) =>
    db.transaction().execute((trx) => recomputeRanking(trx, c, now, { sampleMinute: false }));
  const timed = async (now: number) => {
    const t = performance.now();
    const r = await round(now);
    const took = performance.now() - t;
    if (r.rooms !== sessions.length) throw new Error(`ranked ${r.rooms} rooms, expected ${sessions.length}`);
    return took;
  };
  const sessions = (
    await sql<{ id: string }>`select current_session_id as id from rooms where state = 'live'`.execute(db)
  ).rows.map((r) => r.id);
  const viewers = (
    await sql<{ id: string }>`select id from users order by id limit 20000`.execute(db)
  ).rows.map((r) => r.id);
  // Most activity comes from people already in a room; some of it from newcomers.
  const present = (
    await sql<{ sessionId: string; viewerId: string }>`
      select distinct session_id, viewer_id from metric_events
      where kind = 1 and session_id in (select current_session_id from rooms where state = 'live')`.execute(
      db,
    )
  ).rows;
  const random = rng(11);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;

  const write = async (from: number, to: number) => {
    const rows = {
      session: [] as string[],
      viewer: [] as string[],
      kind: [] as number[],
      at: [] as Date[],
      value: [] as number[],
    };
    for (let i = 0; i < p.eventsPerRound; i++) {
      const r = random();
      const kind = r < 0.2 ? 1 : r < 0.35 ? 2 : r < 0.6 ? 3 : r < 0.9 ? 4 : r < 0.95 ? 5 : 6;
      const someone = random() < 0.8 && present.length > 0 ? pick(present) : null;
      rows.session.push(someone?.sessionId ?? pick(sessions));
      rows.viewer.push(someone?.viewerId ?? pick(viewers));
      rows.kind.push(kind);
      rows.at.push(new Date(from + Math.floor(random() * (to - from))));
      rows.value.push(kind === 4 ? 1 + Math.floor(random() * 20) : 1);
    }
    // Written in time order, as recorders append them.
    await sql`
      insert into metric_events (session_id, viewer_id, kind, at, value)
      select * from unnest(${rows.session}::uuid[], ${rows.viewer}::uuid[], ${rows.kind}::int2[],
        ${rows.at}::timestamptz[], ${rows.value}::int8[])
      order by 4`.execute(db);
  };

  let now = p.seedNow;
  const coldMs = await timed(now);
  now += p.intervalMs;
  await write(now - p.intervalMs, now);
  const buildMs = await timed(now);
  const samples: number[] = [];
  for (let i = 0; i < p.rounds; i++) {
    now += p.intervalMs;
    await write(now - p.intervalMs, now);
    samples.push(await timed(now));
    progress('rank', i + 1, p.rounds);
  }
  return { coldMs, buildMs, samples, eventsPerRound: p.eventsPerRound };
}
