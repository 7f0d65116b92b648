import { formatLocalDateTime, resolveLocalTime, zoneOffsetMin } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

const DAY = 86_400_000;
const ZONE = 'America/New_York';
const INFO = { videoCodec: 'H264', audioCodec: 'AAC', width: 720, height: 1280, fps: 30 };

/** The first instant after `from` at which the zone's offset changes (scanning hour by hour). */
function nextTransition(from: number, zone: string): number {
  let t = from - (from % 3_600_000);
  while (zoneOffsetMin(t + 3_600_000, zone) === zoneOffsetMin(t, zone)) t += 3_600_000;
  return t + 3_600_000;
}

/** 19:00 local on the day `dayMs` falls on in the zone. */
function sevenPm(dayMs: number, zone: string): number {
  const [y, m, d] = formatLocalDateTime(dayMs, zone).slice(0, 10).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  return resolveLocalTime({ year: y, month: m, day: d, hour: 19, minute: 0 }, zone).at;
}

describe.each(testDatabases())('studio heatmap by zone and consistency on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: Awaited<ReturnType<typeof signup>>;
  let before = 0;
  let after = 0;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { TEST_CLOCK: 'on', ROLES: 'api,gateway,media' });
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'cs_admin');
    creator = await signup(app, 'cs_host');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    // Move the server's clock a week past New York's next DST change: the last 28 days span it.
    const clock = app.services.testClock!;
    const change = nextTransition(clock.now(), ZONE);
    before = sevenPm(change - 2 * DAY, ZONE);
    after = before + 7 * DAY + (zoneOffsetMin(before, ZONE) - zoneOffsetMin(before + 7 * DAY, ZONE)) * 60_000;
    clock.advance(change + 8 * DAY - clock.now());
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('places follower visits by the zone of each hour, keeps the offset parameter, and scores consistency', async () => {
    // A scheduled LIVE, kept by going LIVE now.
    const startsLocal = formatLocalDateTime(app.services.testClock!.now() + 5 * 60_000, ZONE);
    const event = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: creator.auth,
      payload: { title: 'Weekly show', startsLocal, timeZone: ZONE, durationMin: 60 },
    });
    expect(event.statusCode).toBe(201);
    const key = (await app.inject({ url: '/api/v1/me/room', headers: creator.auth })).json().ingest.streamKey;
    const auth = await app.services.live.hooks.authorizePublish({
      app: 'live',
      name: key,
      clientIp: '127.0.0.1',
    });
    await app.services.live.hooks.published(auth!.streamId, INFO);
    expect((await app.inject(`/api/v1/events/${event.json().id}`)).json().status).toBe('live');

    // Two followers' visits, each at 19:00 New York time: one before the change, one after.
    const fans = [await signup(app, 'cs_fan1'), await signup(app, 'cs_fan2')];
    for (const [i, fan] of fans.entries()) {
      await app.inject({ method: 'PUT', url: '/api/v1/users/cs_host/follow', headers: fan.auth });
      const at = new Date(i === 0 ? before : after);
      await database.db
        .insertInto('sessionViewers')
        .values({
          sessionId: auth!.streamId,
          creatorId: creator.user.id,
          viewerId: fan.user.id,
          sessionStartedAt: at,
          firstAt: at,
          watchMs: 60_000,
          comments: 0,
          hearts: 0,
          shares: 0,
          gifts: 0,
          coins: 0,
          followed: false,
        })
        .execute();
    }
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, weekday: 'short' }).format(before);
    const index = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(weekday) * 24 + 19;

    const zoned = await app.inject({
      url: `/api/v1/studio/heatmap?tz=${ZONE}&days=28`,
      headers: creator.auth,
    });
    expect(zoned.statusCode, zoned.body).toBe(200);
    expect(zoned.json()).toMatchObject({ timeZone: ZONE, followers: 2 });
    expect(zoned.json().cells[index]).toBe(2);
    expect(zoned.json().best[0]).toMatchObject({ hourOfWeek: index, visits: 2 });

    // The old parameter still works, with its one offset for the whole range: the visits split.
    const offset = -zoneOffsetMin(before, ZONE);
    const fixed = (
      await app.inject({ url: `/api/v1/studio/heatmap?tzOffsetMin=${offset}&days=28`, headers: creator.auth })
    ).json();
    expect(fixed.timeZone).toBeNull();
    expect(fixed.cells[index]).toBe(1);
    expect(fixed.cells.reduce((a: number, b: number) => a + b, 0)).toBe(2);

    const bad = await app.inject({ url: '/api/v1/studio/heatmap?tz=Mars/Base', headers: creator.auth });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'studio.time_zone_invalid']);

    const consistency = await app.inject({
      url: `/api/v1/studio/consistency?tz=${ZONE}`,
      headers: creator.auth,
    });
    expect(consistency.statusCode, consistency.body).toBe(200);
    expect(consistency.json()).toEqual({
      timeZone: ZONE,
      weeklyStreak: 1,
      liveDays28: 1,
      eventsScheduled: 1,
      eventsKept: 1,
      keptShare: 1,
      bestTime: { weekday: Math.floor(index / 24), hour: 19, timeZone: ZONE },
    });
    const badZone = await app.inject({ url: '/api/v1/studio/consistency?tz=Nowhere', headers: creator.auth });
    expect([badZone.statusCode, badZone.json().error.code]).toEqual([400, 'studio.time_zone_invalid']);
    const viewer = await app.inject({ url: '/api/v1/studio/consistency', headers: fans[0]!.auth });
    expect(viewer.statusCode).toBe(403);
  });
});
