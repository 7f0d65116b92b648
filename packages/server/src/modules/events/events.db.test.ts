import { formatLocalDateTime } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { EVENT_JOBS } from './events.lifecycle.ts';
import { parseCalendar } from './ical.test-helpers.ts';
import { upcomingEvents } from './upcoming.read-model.ts';

const MIN = 60_000;
const DAY = 86_400_000;

describe.each(testDatabases())('scheduled LIVE events on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: Awaited<ReturnType<typeof signup>>;
  let rival: Awaited<ReturnType<typeof signup>>;
  let fan: Awaited<ReturnType<typeof signup>>;

  const now = () => app.services.testClock!.now();
  const local = (inMs: number, zone = 'Europe/London') => formatLocalDateTime(now() + inMs, zone);
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Sunday bake-along',
    startsLocal: local(3 * DAY),
    timeZone: 'Europe/London',
    durationMin: 90,
    ...over,
  });
  const create = (who: { auth: Record<string, string> }, payload: object) =>
    app.inject({ method: 'POST', url: '/api/v1/events', headers: who.auth, payload });
  const upcoming = async (handle: string) =>
    (await app.inject(`/api/v1/users/${handle}/events`)).json().items as { id: string }[];
  const notes = async (who: { auth: Record<string, string> }) =>
    (await app.inject({ url: '/api/v1/me/notifications', headers: who.auth })).json().items as {
      kind: string;
      eventId: string | null;
    }[];

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { TEST_CLOCK: 'on', ROLES: 'api,gateway,media' });
    await signup(app, 'ev_admin');
    creator = await signup(app, 'ev_baker');
    rival = await signup(app, 'ev_rival');
    fan = await signup(app, 'ev_fan');
    for (const c of [creator, rival])
      await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: c.auth });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('schedules from a local time and zone, answering UTC plus the zone, with both jobs queued', async () => {
    const startsLocal = local(2 * DAY, 'America/New_York');
    const res = await create(creator, {
      ...body({ startsLocal, timeZone: 'america/new_york' }),
      description: 'Bring flour,\r\nand butter; lots.',
      coverUrl: 'https://cdn.example.com/cover.jpg',
      hashtags: ['#Baking', 'bread', 'baking'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const event = res.json();
    expect(event).toMatchObject({
      title: 'Sunday bake-along',
      timeZone: 'America/New_York',
      startsLocal,
      durationMin: 90,
      status: 'scheduled',
      hashtags: ['baking', 'bread'],
      description: 'Bring flour,\nand butter; lots.',
      rsvpCount: 0,
      rsvped: false,
      creator: { handle: 'ev_baker' },
      icsUrl: `/api/v1/events/${event.id}.ics`,
    });
    expect(event.startsAt).toMatch(/Z$/);
    expect(formatLocalDateTime(Date.parse(event.startsAt), 'America/New_York')).toBe(startsLocal);
    expect(Date.parse(event.endsAt) - Date.parse(event.startsAt)).toBe(90 * MIN);

    const reminder = await app.services.jobs.find(EVENT_JOBS.reminder, event.id);
    const missed = await app.services.jobs.find(EVENT_JOBS.missed, event.id);
    expect(reminder?.runAt.getTime()).toBe(Date.parse(event.startsAt) - 10 * MIN);
    expect(missed?.runAt.getTime()).toBe(Date.parse(event.startsAt) + 45 * MIN);

    expect((await app.inject(`/api/v1/events/${event.id}`)).json()).toMatchObject({
      id: event.id,
      rsvped: null,
    });
    expect((await upcoming('ev_baker')).map((e) => e.id)).toContain(event.id);
    const rows = await upcomingEvents(database.db, { hashtag: '#BAKING', limit: 10, now: new Date(now()) });
    expect(rows.map((r) => [r.eventId, r.handle])).toEqual([[event.id, 'ev_baker']]);
    expect(
      await upcomingEvents(database.db, { hashtag: 'nothing', limit: 10, now: new Date(now()) }),
    ).toEqual([]);
  });

  it('refuses bad input with a coded 4xx and stores nothing', async () => {
    const before = (await upcoming('ev_baker')).length;
    const cases: [object, number, string][] = [
      [body({ timeZone: 'Mars/Olympus_Mons' }), 400, 'events.unknown_time_zone'],
      [body({ timeZone: '+05:00' }), 400, 'events.unknown_time_zone'],
      [body({ startsLocal: local(-60 * MIN) }), 400, 'events.in_past'],
      [body({ startsLocal: local(91 * DAY) }), 400, 'events.too_far_ahead'],
      [body({ startsLocal: '2027-02-30T10:00' }), 400, 'events.bad_local_time'],
      [body({ startsLocal: 'tomorrow' }), 400, 'request.invalid'],
      [body({ durationMin: 14 }), 400, 'request.invalid'],
      [body({ durationMin: 721 }), 400, 'request.invalid'],
      [body({ title: '   ' }), 400, 'request.invalid'],
      [body({ title: 'bell\u0007' }), 400, 'request.invalid'],
      [body({ coverUrl: 'http://cdn.example.com/a.jpg' }), 400, 'request.invalid'],
      [body({ coverUrl: 'javascript:alert(1)' }), 400, 'request.invalid'],
      [body({ hashtags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), 400, 'request.invalid'],
      [body({ hashtags: ['no spaces'] }), 400, 'request.invalid'],
      [body({ extra: true }), 400, 'request.invalid'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await create(creator, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
    }
    expect(await upcoming('ev_baker')).toHaveLength(before);
    expect((await create(fan, body())).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/events', payload: body() })).statusCode).toBe(
      401,
    );
  });

  it('keeps at most 20 upcoming events per creator, even when requests race', async () => {
    const c = await signup(app, 'ev_busy');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: c.auth });
    for (let i = 0; i < 18; i++)
      expect((await create(c, body({ startsLocal: local((i + 1) * DAY) }))).statusCode).toBe(201);
    const raced = await Promise.all(
      [40, 41, 42].map((d) => create(c, body({ startsLocal: local(d * DAY) }))),
    );
    expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 201, 409]);
    const refused = await create(c, body({ startsLocal: local(50 * DAY) }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('events.too_many_upcoming');
    expect(await upcoming('ev_busy')).toHaveLength(20);
    // A cancelled one frees its place.
    const first = (await upcoming('ev_busy'))[0]!;
    await app.inject({ method: 'POST', url: `/api/v1/events/${first.id}/cancel`, headers: c.auth });
    expect((await create(c, body({ startsLocal: local(60 * DAY) }))).statusCode).toBe(201);
  });

  it('counts an RSVP once, however often it is sent, and takes it back the same way', async () => {
    const event = (await create(creator, body({ startsLocal: local(DAY) }))).json();
    const put = () =>
      app.inject({ method: 'PUT', url: `/api/v1/events/${event.id}/rsvp`, headers: fan.auth });
    const del = () =>
      app.inject({ method: 'DELETE', url: `/api/v1/events/${event.id}/rsvp`, headers: fan.auth });
    const first = await put();
    const second = await put();
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json()).toEqual(first.json());
    expect(first.json()).toEqual({ eventId: event.id, rsvped: true, rsvpCount: 1 });
    await Promise.all([put(), put(), put()]);
    const seen = (await app.inject({ url: `/api/v1/events/${event.id}`, headers: fan.auth })).json();
    expect(seen).toMatchObject({ rsvped: true, rsvpCount: 1 });
    const mine = (await app.inject({ url: '/api/v1/me/events', headers: creator.auth })).json();
    expect(mine.items.find((e: { id: string }) => e.id === event.id)).toMatchObject({ rsvpCount: 1 });
    expect(mine.totalRsvps).toBeGreaterThanOrEqual(1);
    expect((await del()).json()).toEqual({ eventId: event.id, rsvped: false, rsvpCount: 0 });
    expect((await del()).json()).toEqual({ eventId: event.id, rsvped: false, rsvpCount: 0 });
    expect((await put()).json().rsvpCount).toBe(1);
    expect((await app.inject({ method: 'PUT', url: `/api/v1/events/${event.id}/rsvp` })).statusCode).toBe(
      401,
    );
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/events/00000000-0000-4000-8000-000000000000/rsvp',
      headers: fan.auth,
    });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'events.not_found']);
    expect((await app.inject({ url: '/api/v1/events/not-a-uuid' })).statusCode).toBe(400);
  });

  it('edits only your own event, rescheduling its jobs; a new zone alone keeps the wall-clock time', async () => {
    const event = (await create(creator, body({ startsLocal: local(5 * DAY) }))).json();
    const url = `/api/v1/events/${event.id}`;
    const other = await app.inject({
      method: 'PATCH',
      url,
      headers: rival.auth,
      payload: { title: 'Mine now' },
    });
    expect(other.statusCode).toBe(403);
    const fanEdit = await app.inject({ method: 'PATCH', url, headers: fan.auth, payload: { title: 'x' } });
    expect(fanEdit.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `${url}/cancel`, headers: rival.auth })).statusCode).toBe(
      403,
    );
    expect((await app.inject(url)).json()).toMatchObject({ title: 'Sunday bake-along', status: 'scheduled' });

    const bad = await app.inject({
      method: 'PATCH',
      url,
      headers: creator.auth,
      payload: { timeZone: 'Nowhere/City' },
    });
    expect(bad.json().error.code).toBe('events.unknown_time_zone');
    expect((await app.inject({ method: 'PATCH', url, headers: creator.auth, payload: {} })).statusCode).toBe(
      400,
    );

    const startsLocal = local(6 * DAY);
    const moved = await app.inject({
      method: 'PATCH',
      url,
      headers: creator.auth,
      payload: { startsLocal, durationMin: 120 },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ startsLocal, durationMin: 120 });
    const startsAt = Date.parse(moved.json().startsAt);
    expect((await app.services.jobs.find(EVENT_JOBS.reminder, event.id))?.runAt.getTime()).toBe(
      startsAt - 10 * MIN,
    );
    expect((await app.services.jobs.find(EVENT_JOBS.missed, event.id))?.runAt.getTime()).toBe(
      startsAt + 60 * MIN,
    );

    const rezoned = (
      await app.inject({
        method: 'PATCH',
        url,
        headers: creator.auth,
        payload: { timeZone: 'Australia/Sydney' },
      })
    ).json();
    expect(rezoned).toMatchObject({ startsLocal, timeZone: 'Australia/Sydney' });
    expect(rezoned.startsAt).not.toBe(moved.json().startsAt);
  });

  it('cancels once, telling RSVPers; a cancelled event takes no RSVP and no edit', async () => {
    const event = (await create(creator, body({ startsLocal: local(2 * DAY) }))).json();
    const url = `/api/v1/events/${event.id}`;
    await app.inject({ method: 'PUT', url: `${url}/rsvp`, headers: fan.auth });
    const cancelled = await app.inject({ method: 'POST', url: `${url}/cancel`, headers: creator.auth });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', rsvpCount: 1 });
    expect(
      (await app.inject({ method: 'POST', url: `${url}/cancel`, headers: creator.auth })).statusCode,
    ).toBe(200);
    expect(await app.services.jobs.find(EVENT_JOBS.reminder, event.id)).toBeUndefined();
    expect(await app.services.jobs.find(EVENT_JOBS.missed, event.id)).toBeUndefined();
    expect((await notes(fan)).filter((n) => n.eventId === event.id)).toEqual([
      expect.objectContaining({ kind: 'event_cancelled', eventId: event.id }),
    ]);

    const rsvp = await app.inject({ method: 'PUT', url: `${url}/rsvp`, headers: rival.auth });
    expect([rsvp.statusCode, rsvp.json().error.code]).toEqual([409, 'events.cancelled']);
    const edit = await app.inject({
      method: 'PATCH',
      url,
      headers: creator.auth,
      payload: { title: 'Back on' },
    });
    expect([edit.statusCode, edit.json().error.code]).toEqual([409, 'events.cancelled']);
    expect((await app.inject(url)).json()).toMatchObject({
      title: 'Sunday bake-along',
      rsvpCount: 1,
      status: 'cancelled',
    });
  });

  it('refuses RSVPs and edits once the start has passed', async () => {
    const event = (await create(creator, body({ startsLocal: local(20 * MIN), durationMin: 15 }))).json();
    app.services.testClock!.advance(25 * MIN);
    const url = `/api/v1/events/${event.id}`;
    const rsvp = await app.inject({ method: 'PUT', url: `${url}/rsvp`, headers: fan.auth });
    expect([rsvp.statusCode, rsvp.json().error.code]).toEqual([409, 'events.started']);
    const edit = await app.inject({
      method: 'PATCH',
      url,
      headers: creator.auth,
      payload: { title: 'Later' },
    });
    expect([edit.statusCode, edit.json().error.code]).toEqual([409, 'events.started']);
    expect((await app.inject(url)).json()).toMatchObject({ rsvpCount: 0, title: 'Sunday bake-along' });
  });

  it('serves valid iCalendar for one event and for a creator feed', async () => {
    const event = (
      await create(creator, {
        ...body({ startsLocal: local(4 * DAY) }),
        title: 'Pâte à choux; éclairs, profiteroles',
        description: `Line one\nLine two with a long tail ${'é'.repeat(60)}`,
        hashtags: ['pastry'],
      })
    ).json();
    const res = await app.inject(`/api/v1/events/${event.id}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(res.body.replace(/\r\n/g, '')).not.toMatch(/\n/);
    for (const line of res.body.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const [vevent] = parseCalendar(res.body).events;
    expect(vevent).toMatchObject({
      UID: expect.stringContaining(event.id),
      DTSTART: event.startsAt.replace(/[-:]|\.\d{3}/g, ''),
      DURATION: 'PT90M',
      SUMMARY: 'Pâte à choux; éclairs, profiteroles (LIVE with ev_baker)',
      URL: `http://localhost:8080/events/${event.id}`,
      STATUS: 'CONFIRMED',
      CATEGORIES: 'pastry',
    });
    expect(vevent?.DESCRIPTION).toContain(`Line one\nLine two with a long tail ${'é'.repeat(60)}`);
    expect(vevent?.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);

    const feed = await app.inject('/api/v1/users/ev_baker/events.ics');
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const parsed = parseCalendar(feed.body);
    expect(parsed.props['X-WR-CALNAME']).toBe('ev_baker on OnAir');
    expect(parsed.events.map((e) => e.UID)).toContain(vevent?.UID);
    expect(parsed.events.length).toBe((await upcoming('ev_baker')).length);
    expect((await app.inject('/api/v1/events/00000000-0000-4000-8000-000000000000.ics')).statusCode).toBe(
      404,
    );
    expect((await app.inject('/api/v1/users/nobody_here/events.ics')).statusCode).toBe(404);
  });
});
