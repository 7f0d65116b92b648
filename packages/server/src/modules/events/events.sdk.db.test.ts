import { formatLocalDateTime } from '@onair/core';
import { OnAirClient, OnAirError } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

/** The SDK's events methods over real HTTP: every answer parses with the protocol's schemas. */
describe.each(testDatabases())('events through the SDK on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { ROLES: 'api,gateway,media' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('schedules, lists, reminds, edits, cancels and downloads calendars', async () => {
    const host = new OnAirClient({ baseUrl: base });
    await host.signup({ handle: 'sdk_admin', password: 'password123' }, { bearer: true });
    const fan = new OnAirClient({ baseUrl: base });
    await fan.signup({ handle: 'sdk_fan', password: 'password123' }, { bearer: true });

    const startsLocal = formatLocalDateTime(Date.now() + 2 * 86_400_000, 'Asia/Tokyo');
    const event = await host.scheduleEvent({
      title: 'Ramen night',
      startsLocal,
      timeZone: 'Asia/Tokyo',
      durationMin: 45,
    });
    expect(event).toMatchObject({ startsLocal, timeZone: 'Asia/Tokyo', status: 'scheduled' });
    expect((await fan.creatorEvents('sdk_admin')).items.map((e) => e.id)).toEqual([event.id]);
    expect(await fan.rsvp(event.id)).toEqual({ eventId: event.id, rsvped: true, rsvpCount: 1 });
    expect(await fan.rsvp(event.id)).toEqual({ eventId: event.id, rsvped: true, rsvpCount: 1 });
    expect((await fan.event(event.id)).rsvped).toBe(true);
    expect((await host.myEvents()).totalRsvps).toBe(1);

    const renamed = await host.updateEvent(event.id, { title: 'Ramen night, again' });
    expect(renamed.title).toBe('Ramen night, again');
    const refused = await fan.updateEvent(event.id, { title: 'mine' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OnAirError);
    expect((refused as OnAirError).status).toBe(403);

    const ics = await fetch(host.eventCalendarUrl(event.id));
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await ics.text()).toContain('SUMMARY:Ramen night\\, again (LIVE with sdk_admin)');
    expect((await fetch(host.creatorCalendarUrl('sdk_admin'))).status).toBe(200);

    expect((await host.cancelEvent(event.id)).status).toBe('cancelled');
    const late = await fan.rsvp(event.id).catch((e: unknown) => e);
    expect((late as OnAirError).code).toBe('events.cancelled');
    expect(await fan.unrsvp(event.id)).toEqual({ eventId: event.id, rsvped: false, rsvpCount: 0 });
    const note = (await fan.notifications({ limit: 10 })).items.find((n) => n.eventId === event.id);
    expect(note).toMatchObject({ kind: 'event_cancelled', text: 'sdk_admin cancelled a scheduled LIVE' });

    const consistency = await host.studioConsistency({ tz: 'Asia/Tokyo' });
    expect(consistency).toMatchObject({ timeZone: 'Asia/Tokyo', eventsScheduled: 0, keptShare: null });
    expect((await host.studioHeatmap({ tz: 'Asia/Tokyo' })).timeZone).toBe('Asia/Tokyo');
  });
});
