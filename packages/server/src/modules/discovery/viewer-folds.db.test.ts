import { DEFAULT_RANKING, EventKind, type RankingConfig } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { goLive } from '../economy/testing.ts';
import { type LiveRoomSignals, liveSignals } from './signals.read-model.ts';
import { FOLD_LAG_MS, foldViewerEvents } from './viewer-folds.ts';

const SEC = 1_000;
const MIN = 60 * SEC;

/** A small deterministic generator, so a failure replays the same events. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const figures = (r: LiveRoomSignals) => ({
  sessionId: r.sessionId,
  points: r.points,
  viewerMinutes: r.viewerMinutes,
  avgWatchMs: r.avgWatchMs,
  uniqueViewers: r.uniqueViewers,
  newFollowers: r.newFollowers,
  qualified: r.qualified,
});

function expectSame(folded: LiveRoomSignals[], counted: LiveRoomSignals[], label: string) {
  const bySession = new Map(counted.map((r) => [r.sessionId, figures(r)]));
  expect(folded.length, label).toBe(counted.length);
  for (const r of folded) {
    const want = bySession.get(r.sessionId)!;
    const got = figures(r);
    expect(got.uniqueViewers, label).toBe(want.uniqueViewers);
    expect(got.newFollowers, label).toBe(want.newFollowers);
    expect(got.qualified, label).toBe(want.qualified);
    // Watch time is a sum of epoch milliseconds taken in another order: equal to well under a ms.
    expect(got.avgWatchMs, label).toBeCloseTo(want.avgWatchMs, 3);
    expect(got.viewerMinutes, label).toBeCloseTo(want.viewerMinutes, 6);
    expect(got.points, label).toBeCloseTo(want.points, 6);
  }
}

/**
 * The running totals are an optimisation only: after any sequence of rounds, a read from the totals
 * plus the events after the watermark gives what a count of every event gives.
 */
describe.each(testDatabases())('the ranking running totals on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    // No worker: its own rounds, at the real time, would race the test's scripted ones (a round at an
    // earlier time than the last one starts the totals over).
    app = await testApp(database, { RANKING_INTERVAL_MS: '600000', ROLES: 'api,gateway,media' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const round = (nowMs: number, c: RankingConfig) =>
    database.db.transaction().execute(async (trx) => {
      const fold = await foldViewerEvents(trx, nowMs, c.windowMs);
      return {
        fold,
        folded: await liveSignals(trx, nowMs, c, fold.foldedTo),
        counted: await liveSignals(trx, nowMs, c, null),
      };
    });

  it('gives what counting every event gives, round after round', async () => {
    const rooms = [];
    for (let i = 0; i < 3; i++) {
      const creator = await signup(app);
      rooms.push({ creator, session: await goLive(app, creator) });
    }
    const viewers = [];
    for (let i = 0; i < 8; i++) viewers.push(await signup(app));
    const { recorder } = app.services.studio;
    const random = prng(42);
    const t0 = Date.now();
    const c: RankingConfig = { ...DEFAULT_RANKING, windowMs: 3 * MIN };
    const watching = new Set<string>();

    // Twenty minutes in rounds of 23 s: events are written as they happen (in time order), so each
    // round folds what the last one left behind, windows slide, sessions are rebuilt now and then.
    let rebuilt = 0;
    for (let now = t0 + 23 * SEC, prev = t0; now <= t0 + 20 * MIN; prev = now, now += 23 * SEC) {
      for (let at = prev + 1_000; at <= now; at += 1_000 + Math.floor(random() * 3_000)) {
        const room = rooms[Math.floor(random() * rooms.length)]!;
        const viewer = viewers[Math.floor(random() * viewers.length)]!;
        const key = `${room.session}:${viewer.user.id}`;
        const r = random();
        if (!watching.has(key) && r < 0.3) {
          recorder.record(room.session, viewer.user.id, EventKind.viewStart, at);
          watching.add(key);
        } else if (watching.has(key) && r < 0.4) {
          recorder.record(room.session, viewer.user.id, EventKind.viewEnd, at);
          watching.delete(key);
        } else if (r < 0.6) recorder.record(room.session, viewer.user.id, EventKind.comment, at);
        else if (r < 0.8) recorder.hearts(room.session, viewer.user.id, 1 + Math.floor(random() * 40), at);
        else if (r < 0.9) recorder.record(room.session, viewer.user.id, EventKind.share, at);
        else recorder.record(room.session, viewer.user.id, EventKind.follow, at);
      }
      // The creator's own actions never count, folded or not.
      recorder.record(rooms[0]!.session, rooms[0]!.creator.user.id, EventKind.comment, now);
      await recorder.drain();
      const r = await round(now, c);
      rebuilt += r.fold.rebuilt;
      // The watermark stops at the newest event the previous round saw (its "now": the creator's
      // comment), or FOLD_LAG_MS behind this one's, whichever is earlier.
      if (now > t0 + 23 * SEC) expect(r.fold.foldedTo?.getTime()).toBe(Math.min(now - FOLD_LAG_MS, prev));
      expectSame(r.folded, r.counted, `round at +${(now - t0) / SEC} s`);
    }
    // The first round built every room; later ones rebuilt each about once a minute or two.
    expect(rebuilt).toBeGreaterThan(rooms.length * 5);
    const last = await round(t0 + 20 * MIN + SEC, c);
    expect(last.folded.some((r) => r.points > 0 && r.uniqueViewers > 0)).toBe(true);

    // A round from a node whose clock is 20 s behind folds nothing new and starts nothing over; the
    // next round agrees with the count again.
    const end = t0 + 20 * MIN + SEC;
    const skewed = await round(end - 20 * SEC, c);
    // (Started over, its watermark would be its own, 25 s earlier.)
    expect(skewed.fold.foldedTo?.getTime()).toBe(last.fold.foldedTo?.getTime());
    const after = await round(end + 5 * SEC, c);
    expectSame(after.folded, after.counted, 'after a skewed round');

    // A clock that goes back further, or another window, starts the totals over, and still agrees.
    const back = await round(t0 + 10 * MIN, c);
    expectSame(back.folded, back.counted, 'clock back');
    const wider = { ...c, windowMs: 10 * MIN };
    const widened = await round(t0 + 11 * MIN, wider);
    expect(widened.fold.rebuilt).toBe(rooms.length);
    expectSame(widened.folded, widened.counted, 'wider window');
  });

  it('counts an event written late once its room is rebuilt', async () => {
    const creator = await signup(app);
    const session = await goLive(app, creator);
    const viewer = await signup(app);
    const { recorder } = app.services.studio;
    const t0 = Date.now();
    const c: RankingConfig = { ...DEFAULT_RANKING, windowMs: 10 * MIN };
    const mine = (rows: LiveRoomSignals[]) => rows.find((r) => r.sessionId === session)!;

    recorder.record(session, viewer.user.id, EventKind.viewStart, t0 + SEC);
    await recorder.drain();
    await round(t0 + 2 * MIN, c);
    // Stamped well before the watermark the last round reached: the totals missed it.
    recorder.record(session, viewer.user.id, EventKind.comment, t0 + 30 * SEC);
    await recorder.drain();
    const missed = await round(t0 + 2 * MIN + 5 * SEC, c);
    expect(mine(missed.folded).points).toBeLessThan(mine(missed.counted).points);
    // Within two minutes every room has been rebuilt from all its events.
    let now = t0 + 2 * MIN + 5 * SEC;
    let agreed = false;
    while (!agreed && now < t0 + 5 * MIN) {
      now += 5 * SEC;
      const r = await round(now, c);
      agreed = mine(r.folded).points === mine(r.counted).points;
    }
    expect(agreed).toBe(true);
    expect(now - (t0 + 2 * MIN)).toBeLessThanOrEqual(2 * MIN);
  });
});
