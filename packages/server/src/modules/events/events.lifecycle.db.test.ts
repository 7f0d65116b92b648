import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatLocalDateTime } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { signup, testApp } from '../../test/app.ts';
import { testDatabaseUrl } from '../../test/backends.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventsKeptByCreator } from './consistency.read-model.ts';
import { EVENT_JOBS } from './events.lifecycle.ts';
import * as repo from './events.repository.ts';
import { EARLY_START_MS, missedDeadline } from './schedule-rules.ts';

const MIN = 60_000;
const INFO = { videoCodec: 'H264', audioCodec: 'AAC', width: 720, height: 1280, fps: 30 };
// No worker loop: each test runs the due jobs itself, so it knows when they ran.
const ENV = { TEST_CLOCK: 'on', ROLES: 'api,gateway,media' };
type User = Awaited<ReturnType<typeof signup>>;

async function scheduleEvent(app: FastifyInstance, who: User, inMs: number, durationMin = 60) {
  const startsLocal = formatLocalDateTime(app.services.testClock!.now() + inMs, 'Europe/Paris');
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: who.auth,
    payload: { title: 'Evening set', startsLocal, timeZone: 'Europe/Paris', durationMin },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; startsAt: string };
}

const rsvp = (app: FastifyInstance, who: User, id: string) =>
  app.inject({ method: 'PUT', url: `/api/v1/events/${id}/rsvp`, headers: who.auth });

async function eventNotes(app: FastifyInstance, who: User, eventId: string) {
  const items = (await app.inject({ url: '/api/v1/me/notifications', headers: who.auth })).json().items as {
    kind: string;
    eventId: string | null;
    sessionId: string | null;
    text: string;
  }[];
  return items.filter((n) => n.eventId === eventId);
}

describe.each(testDatabases())('event reminders and lifecycle on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: User;
  let fan: User;
  let fan2: User;

  const status = async (id: string) => (await app.inject(`/api/v1/events/${id}`)).json().status as string;
  const advance = (ms: number) => app.services.testClock!.advance(ms);

  async function goLive(): Promise<string> {
    const key = (await app.inject({ url: '/api/v1/me/room', headers: creator.auth })).json().ingest.streamKey;
    const hooks = app.services.live.hooks;
    const auth = await hooks.authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' });
    await hooks.published(auth!.streamId, INFO);
    return auth!.streamId;
  }

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'lc_admin');
    creator = await signup(app, 'lc_host');
    fan = await signup(app, 'lc_fan');
    fan2 = await signup(app, 'lc_fan2');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('reminds each RSVPer once, ten minutes before, even when the job runs again', async () => {
    const event = await scheduleEvent(app, creator, 40 * MIN);
    await rsvp(app, fan, event.id);
    await rsvp(app, fan2, event.id);
    await app.services.jobs.runDue();
    expect(await eventNotes(app, fan, event.id)).toEqual([]);
    advance(31 * MIN);
    await app.services.jobs.runDue();
    for (const who of [fan, fan2])
      expect(await eventNotes(app, who, event.id)).toEqual([
        expect.objectContaining({ kind: 'event_reminder', text: "lc_host's scheduled LIVE starts soon" }),
      ]);
    expect(await eventNotes(app, creator, event.id)).toEqual([]);
    // The same job again (a retry after a crash, a second node): nobody hears twice.
    await app.services.jobs.schedule(EVENT_JOBS.reminder, event.id, app.services.testClock!.now());
    expect(await app.services.jobs.runDue()).toBe(1);
    expect(await eventNotes(app, fan, event.id)).toHaveLength(1);
    expect(await status(event.id)).toBe('scheduled');
  });

  it('marks an event the creator never went LIVE for as missed at its deadline', async () => {
    const event = await scheduleEvent(app, creator, 20 * MIN, 120);
    advance(20 * MIN + 59 * MIN);
    await app.services.jobs.runDue();
    expect(await status(event.id)).toBe('scheduled');
    advance(2 * MIN);
    await app.services.jobs.runDue();
    expect(await status(event.id)).toBe('missed');
    expect(await app.services.jobs.find(EVENT_JOBS.missed, event.id)).toBeUndefined();
  });

  it('keeps an event when the creator goes LIVE in its window, telling RSVPers, then marks it kept', async () => {
    const early = await scheduleEvent(app, creator, 5 * MIN);
    const later = await scheduleEvent(app, creator, 3 * 60 * MIN);
    await rsvp(app, fan, early.id);
    const sessionId = await goLive();
    expect((await app.inject(`/api/v1/events/${early.id}`)).json()).toMatchObject({
      status: 'live',
      sessionId,
    });
    // Three hours away is outside the window: still scheduled.
    expect(await status(later.id)).toBe('scheduled');
    expect(await eventNotes(app, fan, early.id)).toEqual([
      expect.objectContaining({ kind: 'event_live', sessionId, text: 'lc_host is LIVE now, as scheduled' }),
    ]);
    expect(await app.services.jobs.find(EVENT_JOBS.reminder, early.id)).toBeUndefined();
    expect(await app.services.jobs.find(EVENT_JOBS.missed, early.id)).toBeUndefined();
    // A retried "published" changes nothing.
    await app.services.live.hooks.published(sessionId, INFO);
    expect(await eventNotes(app, fan, early.id)).toHaveLength(1);

    await app.services.live.hooks.unpublished(sessionId, 'stopped');
    expect((await app.inject(`/api/v1/events/${early.id}`)).json()).toMatchObject({
      status: 'kept',
      sessionId,
    });
    const past = (await app.inject('/api/v1/users/lc_host/events?when=past'))
      .json()
      .items.map((e: { id: string }) => e.id);
    expect(past).toContain(early.id);

    // Since this event's start: it is kept; the later one is still to come and counts for nothing yet.
    const since = new Date(Date.parse(early.startsAt) - 1000);
    const counts = await eventsKeptByCreator(database.db, [creator.user.id, fan.user.id], since);
    expect(counts.get(creator.user.id)).toEqual({ scheduled: 1, kept: 1 });
    // Since the start of the file: the two events before were missed.
    expect(
      (await eventsKeptByCreator(database.db, [creator.user.id], new Date(0))).get(creator.user.id),
    ).toEqual({
      scheduled: 3,
      kept: 1,
    });
    expect(counts.has(fan.user.id)).toBe(false);
    expect((await eventsKeptByCreator(database.db, [], new Date(0))).size).toBe(0);
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${later.id}/cancel`,
      headers: creator.auth,
    });
    expect(cancel.statusCode).toBe(200);
  });

  it('opens the go-live window 15 minutes early and closes it at the missed deadline, as the job does', async () => {
    for (const durationMin of [15, 60, 61, 720]) {
      const event = await scheduleEvent(app, creator, 60 * MIN, durationMin);
      const row = (await repo.find(database.db, event.id))!;
      const deadline = missedDeadline(row.startsAt, durationMin);
      const found = (at: number) =>
        repo.scheduledInWindow(database.db, creator.user.id, new Date(at), EARLY_START_MS);
      expect((await found(row.startsAt.getTime() - EARLY_START_MS))?.id, `${durationMin} early edge`).toBe(
        event.id,
      );
      expect(await found(row.startsAt.getTime() - EARLY_START_MS - 1000)).toBeUndefined();
      expect((await found(deadline.getTime()))?.id, `${durationMin} late edge`).toBe(event.id);
      expect(await found(deadline.getTime() + 1000)).toBeUndefined();
      expect((await app.services.jobs.find(EVENT_JOBS.missed, event.id))?.runAt.getTime()).toBe(
        deadline.getTime(),
      );
      await app.inject({ method: 'POST', url: `/api/v1/events/${event.id}/cancel`, headers: creator.auth });
    }
  });
});

/** A database that outlives an app: PGlite files in a directory, or a Postgres schema of our own. */
async function durableDatabases(): Promise<
  { name: string; open(): DatabaseHandle; cleanup(): Promise<void> }[]
> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onair-events-'));
  const list = [
    {
      name: 'pglite',
      open: () => createDatabase({ dataDir: dir }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    },
  ];
  const url = testDatabaseUrl();
  if (url) {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = async (text: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(text).finally(() => c.end());
    };
    await admin(`create schema ${schema}`);
    list.push({
      name: 'postgres',
      open: () => createDatabase({ url, schema, poolSize: 2 }),
      cleanup: () => admin(`drop schema ${schema} cascade`),
    });
  }
  return list;
}

describe('event reminders survive a restart', async () => {
  const targets = await durableDatabases();
  afterAll(async () => {
    for (const t of targets) await t.cleanup();
  });

  it.each(targets)('on $name: scheduled by one app, sent once by the next', async (target) => {
    const first = target.open();
    await migrateToLatest(first.db);
    const app1 = await testApp({ ...first, drop: () => first.close() }, ENV);
    const host = await signup(app1, 'rs_host');
    const fan = await signup(app1, 'rs_fan');
    await app1.inject({ method: 'POST', url: '/api/v1/me/creator', headers: host.auth });
    // Under ten minutes away: the reminder is due at once, but this app never runs it.
    const event = await scheduleEvent(app1, host, 8 * MIN);
    expect((await rsvp(app1, fan, event.id)).statusCode).toBe(200);
    await app1.close();
    await first.close();

    const second = target.open();
    const app2 = await testApp({ ...second, drop: () => second.close() }, ENV);
    try {
      expect(await eventNotes(app2, fan, event.id)).toEqual([]);
      expect(await app2.services.jobs.find(EVENT_JOBS.reminder, event.id)).toBeDefined();
      // Other modules' jobs may be due too; what matters is this one ran, once.
      await app2.services.jobs.runDue();
      expect(await app2.services.jobs.find(EVENT_JOBS.reminder, event.id)).toBeUndefined();
      await app2.services.jobs.runDue();
      expect(await eventNotes(app2, fan, event.id)).toEqual([
        expect.objectContaining({ kind: 'event_reminder' }),
      ]);
    } finally {
      await app2.close();
      await second.close();
    }
  });
});
