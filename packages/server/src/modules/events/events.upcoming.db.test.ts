import { formatLocalDateTime } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

const HOUR = 3_600_000;

type Person = Awaited<ReturnType<typeof signup>>;

/** `GET /api/v1/events/upcoming`: the feed's "Upcoming" row. */
describe.each(testDatabases())('the feed’s upcoming events on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let fan: Person;
  const ids: Record<string, string> = {};

  const now = () => app.services.testClock!.now();
  const schedule = async (who: Person, title: string, inMs: number) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: who.auth,
      payload: {
        title,
        startsLocal: formatLocalDateTime(now() + inMs, 'UTC'),
        timeZone: 'UTC',
        durationMin: 60,
      },
    });
    if (res.statusCode !== 201) throw new Error(`schedule ${title}: ${res.body}`);
    ids[title] = res.json().id;
  };
  const creator = async (h: string) => {
    const p = await signup(app, h);
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: p.auth });
    return p;
  };
  const titles = async (headers: Record<string, string> = {}, query = '') => {
    const res = await app.inject({ url: `/api/v1/events/upcoming${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { title: string }[]).map((e) => e.title);
  };

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { TEST_CLOCK: 'on', ROLES: 'api,gateway,media' });
    await signup(app, 'up_admin');
    const followed = await creator('up_followed');
    const stranger = await creator('up_stranger');
    const blocked = await creator('up_blocked');
    fan = await creator('up_fan');
    await schedule(stranger, 'stranger soon', 2 * HOUR);
    await schedule(followed, 'followed later', 5 * HOUR);
    await schedule(stranger, 'stranger rsvped', 9 * HOUR);
    await schedule(stranger, 'stranger last', 30 * HOUR);
    await schedule(blocked, 'blocked soonest', HOUR);
    await schedule(fan, 'my own', 3 * HOUR);
    await schedule(stranger, 'cancelled', 4 * HOUR);
    await app.inject({
      method: 'POST',
      url: `/api/v1/events/${ids.cancelled}/cancel`,
      headers: stranger.auth,
    });
    for (const [method, url] of [
      ['PUT', '/api/v1/users/up_followed/follow'],
      ['PUT', `/api/v1/events/${ids['stranger rsvped']}/rsvp`],
      ['PUT', '/api/v1/users/up_blocked/block'],
    ] as const) {
      const res = await app.inject({ method, url, headers: fan.auth });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('orders everything soonest first for a signed-out visitor, without cancelled events', async () => {
    expect(await titles()).toEqual([
      'blocked soonest',
      'stranger soon',
      'my own',
      'followed later',
      'stranger rsvped',
      'stranger last',
    ]);
  });

  it('puts followed creators and RSVPs first for a signed-in viewer, hiding their own and blocked creators', async () => {
    expect(await titles(fan.auth)).toEqual([
      'followed later',
      'stranger rsvped',
      'stranger soon',
      'stranger last',
    ]);
    const [first] = (await app.inject({ url: '/api/v1/events/upcoming', headers: fan.auth })).json().items;
    expect(first).toMatchObject({ rsvped: false, creator: { handle: 'up_followed' }, status: 'scheduled' });
  });

  it('shows nothing a blocked creator scheduled to the viewer they blocked either way round', async () => {
    const blocked = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'up_blocked', password: 'correct horse battery' },
    });
    const auth = { authorization: `Bearer ${blocked.json().token}` };
    expect(await titles(auth)).not.toContain('my own');
  });

  it('takes a limit and drops events once they start', async () => {
    expect(await titles({}, '?limit=2')).toEqual(['blocked soonest', 'stranger soon']);
    app.services.testClock!.advance(2 * HOUR + 1);
    expect(await titles(fan.auth, '?limit=3')).toEqual([
      'followed later',
      'stranger rsvped',
      'stranger last',
    ]);
  });

  it('refuses a bad limit with a coded 400', async () => {
    for (const limit of ['0', '51', 'ten', '2.5', '-1']) {
      const res = await app.inject({ url: `/api/v1/events/upcoming?limit=${limit}`, headers: fan.auth });
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().error.code, limit).toBe('request.invalid');
    }
  });
});
