import { DEFAULT_RANKING, EventKind, engagementRate, type RankingConfig } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, goLive, sendGift } from '../economy/testing.ts';
import { liveSignals } from './signals.read-model.ts';

const MIN = 60_000;

/**
 * The SQL that gathers every LIVE room's signals at once mirrors the ranking maths in `@onair/core`;
 * this holds the two to the same numbers on one room whose viewers exercise each rule: the window,
 * the minimum watch, the heart cap and the per-sender gift cap on a log scale.
 */
describe.each(testDatabases())('the ranking signals on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { RANKING_INTERVAL_MS: '600000' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('counts what the core maths counts, viewer by viewer', async () => {
    const creator = await signup(app);
    const session = await goLive(app, creator);
    const whale = await signup(app);
    const fan = await signup(app);
    const drifter = await signup(app);
    const brief = await signup(app);
    await buyCoins(app, whale, 'coins_3500');
    await buyCoins(app, fan, 'coins_70');
    // Gifts are read from the economy's own rows, stamped by the database when they commit.
    expect((await sendGift(app, whale, creator.user.handle, { giftId: 'whale_diving' })).statusCode).toBe(
      201,
    );
    expect((await sendGift(app, fan, creator.user.handle, { giftId: 'doughnut' })).statusCode).toBe(201);

    const { recorder } = app.services.studio;
    const t0 = Date.now();
    const now = t0 + 12 * MIN;
    const at = (ms: number) => t0 + ms;
    // The whale watches 11 minutes (still there), taps 50 hearts (30 count) and comments 3 times.
    recorder.record(session, whale.user.id, EventKind.viewStart, at(MIN));
    recorder.hearts(session, whale.user.id, 50, at(2 * MIN));
    for (const m of [3, 4, 5]) recorder.record(session, whale.user.id, EventKind.comment, at(m * MIN));
    // The fan watches 2 minutes, shares once and follows.
    recorder.record(session, fan.user.id, EventKind.viewStart, at(8 * MIN));
    recorder.record(session, fan.user.id, EventKind.share, at(9 * MIN));
    recorder.record(session, fan.user.id, EventKind.follow, at(9 * MIN));
    recorder.record(session, fan.user.id, EventKind.viewEnd, at(10 * MIN));
    // The drifter left after 5 s: their comments do not count, and neither do their minutes.
    recorder.record(session, drifter.user.id, EventKind.viewStart, at(6 * MIN));
    recorder.record(session, drifter.user.id, EventKind.comment, at(6 * MIN + 1_000));
    recorder.record(session, drifter.user.id, EventKind.comment, at(6 * MIN + 2_000));
    recorder.record(session, drifter.user.id, EventKind.viewEnd, at(6 * MIN + 5_000));
    // Brief was there for a while before the window opened: only the part inside counts.
    recorder.record(session, brief.user.id, EventKind.viewStart, at(0));
    recorder.record(session, brief.user.id, EventKind.comment, at(MIN));
    recorder.record(session, brief.user.id, EventKind.viewEnd, at(5 * MIN));
    // The creator's own actions never count towards their room.
    recorder.record(session, creator.user.id, EventKind.comment, at(7 * MIN));
    await recorder.drain();

    const c: RankingConfig = { ...DEFAULT_RANKING, windowMs: 10 * MIN };
    const [room] = await liveSignals(database.db, now, c);
    expect(room?.sessionId).toBe(session);

    // Window: [2 min, 12 min]. Gifts were committed before it opened, so none counts here...
    const expected = engagementRate(
      [
        { watchMs: 10 * MIN, comments: 3, shares: 0, hearts: 50, giftCoins: 0 },
        { watchMs: 2 * MIN, comments: 0, shares: 1, hearts: 0, giftCoins: 0 },
        { watchMs: 5_000, comments: 2, shares: 0, hearts: 0, giftCoins: 0 },
        { watchMs: 3 * MIN, comments: 0, shares: 0, hearts: 0, giftCoins: 0 },
      ],
      c,
    );
    expect(room!.points / room!.viewerMinutes).toBeCloseTo(expected, 9);
    expect(room!.viewerMinutes).toBeCloseTo(15, 9);
    expect(room!.uniqueViewers).toBe(4);
    expect(room!.newFollowers).toBe(1);
    expect(room!.avgWatchMs).toBeCloseTo((11 * MIN + 2 * MIN + 5_000 + 5 * MIN) / 4, 3);

    // ...and with a window reaching back before the gifts, the whale's 2,150 coins count as 1,000.
    const wide: RankingConfig = { ...c, windowMs: 30 * MIN };
    const [all] = await liveSignals(database.db, now, wide);
    const withGifts = engagementRate(
      [
        { watchMs: 11 * MIN, comments: 3, shares: 0, hearts: 50, giftCoins: 2150 },
        { watchMs: 2 * MIN, comments: 0, shares: 1, hearts: 0, giftCoins: 30 },
        { watchMs: 5_000, comments: 2, shares: 0, hearts: 0, giftCoins: 0 },
        { watchMs: 5 * MIN, comments: 1, shares: 0, hearts: 0, giftCoins: 0 },
      ],
      wide,
    );
    expect(all!.points / all!.viewerMinutes).toBeCloseTo(withGifts, 9);
  });
});
