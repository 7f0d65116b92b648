import { topGifters } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, endLive, expectLedgerOk, goLive, sendGift, type TestUser } from '../economy/testing.ts';

const ENV = { TEST_CLOCK: 'on', ROLES: 'api,gateway,media', LEAGUE_TIME_ZONE: 'Europe/London' };
const DAY = 86_400_000;

describe.each(testDatabases())('room top gifters on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: TestUser;
  let other: TestUser;
  const fans: TestUser[] = [];

  const board = (window: string, handle = creator.user.handle) =>
    app.inject(`/api/v1/rooms/${handle}/leaderboard?window=${window}`);

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'lb_admin');
    creator = await signup(app, 'lb_host');
    other = await signup(app, 'lb_other');
    for (let i = 0; i < 4; i++) {
      fans.push(await signup(app, `lb_fan${i}`));
      await buyCoins(app, fans[i]!, 'coins_700');
    }
    const session = await goLive(app, creator);
    const otherSession = await goLive(app, other);
    // fan0 and fan2 tie on coins; fan2 got there first, so ranks above. fan3 gives elsewhere only.
    const gifts: [number, string, number][] = [
      [2, 'rose', 10],
      [0, 'rose', 4],
      [1, 'rose', 25],
      [0, 'rose', 6],
    ];
    for (const [fan, giftId, quantity] of gifts) {
      const res = await sendGift(app, fans[fan]!, creator.user.handle, { giftId, quantity });
      expect(res.statusCode, res.body).toBe(201);
    }
    expect(
      (await sendGift(app, fans[3]!, other.user.handle, { giftId: 'rose', quantity: 50 })).statusCode,
    ).toBe(201);
    await endLive(app, session);
    await endLive(app, otherSession);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('ranks the room by coins, then by who got there first, as core topGifters does', async () => {
    const res = await board('daily');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(
      body.gifters.map((g: { user: { handle: string }; coins: number }) => [g.user.handle, g.coins]),
    ).toEqual([
      ['lb_fan1', 25],
      ['lb_fan2', 10],
      ['lb_fan0', 10],
    ]);
    // The same gifts through the core function give the same board.
    const rows = await database.db
      .selectFrom('giftEvents')
      .select(['senderId', 'coins', 'createdAt'])
      .where('creatorId', '=', creator.user.id)
      .execute();
    const now = app.services.testClock!.now();
    for (const window of ['daily', 'weekly', 'allTime'] as const) {
      const core = topGifters(
        rows.map((r) => ({ senderId: r.senderId, coins: Number(r.coins), at: r.createdAt.getTime() })),
        { window, now, zone: 'Europe/London', limit: 20 },
      );
      const served = (await board(window)).json();
      expect(served.gifters.map((g: { user: { id: string } }) => g.user.id)).toEqual(
        core.map((c) => c.senderId),
      );
      expect(served.gifters.map((g: { coins: number }) => g.coins)).toEqual(core.map((c) => c.coins));
    }
    await expectLedgerOk(database.db);
  });

  it('bounds the daily and weekly windows in the zone, and keeps all time', async () => {
    const daily = (await board('daily')).json();
    expect(new Date(daily.endsAt).getTime() - new Date(daily.startsAt).getTime()).toBeGreaterThanOrEqual(
      23 * 3_600_000,
    );
    const weekly = (await board('weekly')).json();
    expect(new Date(weekly.startsAt).getTime()).toBeLessThanOrEqual(new Date(daily.startsAt).getTime());
    expect((await board('allTime')).json()).toMatchObject({
      window: 'allTime',
      startsAt: null,
      endsAt: null,
    });

    // Eight days later the day and the week hold no gifts; all time still does.
    app.services.testClock!.advance(8 * DAY);
    expect((await board('daily')).json().gifters).toEqual([]);
    expect((await board('weekly')).json().gifters).toEqual([]);
    expect((await board('allTime')).json().gifters).toHaveLength(3);
  });

  it('answers bad input with a code', async () => {
    const bad = await board('monthly');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
    const missing = await board('daily', 'nobody_here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('user.not_found');
    expect((await app.inject('/api/v1/leagues/nobody_here')).json().error.code).toBe('user.not_found');
    expect((await app.inject('/api/v1/leagues/me')).statusCode).toBe(401);
  });
});
