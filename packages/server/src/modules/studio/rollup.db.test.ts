import { EventKind } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { endLive, goLive } from '../economy/testing.ts';
import { createMetricsRecorder } from './recorder.ts';

/**
 * A recorded session with a known answer: events written through the recorder at fixed times, gift
 * rows and a battle in the economy's and battles' tables, then the rollup read back through the API.
 */
describe.each(testDatabases())('studio rollup on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('computes a fixed 10-minute session, with a won battle and hearts summed per viewer', async () => {
    const host = await signup(app);
    const rival = await signup(app);
    const a = await signup(app);
    const b = await signup(app);
    const sessionId = await goLive(app, host);
    await endLive(app, sessionId);
    const t0 = Date.UTC(2026, 0, 6, 20, 0, 0);
    const at = (s: number) => t0 + s * 1000;
    await sql`update live_sessions set started_at = ${new Date(t0)}, live_at = ${new Date(t0)},
      ended_at = ${new Date(at(600))} where id = ${sessionId}`.execute(database.db);

    const { recorder } = app.services.studio;
    const before = recorder.stats().written;
    recorder.record(sessionId, a.user.id, EventKind.viewStart, at(0));
    recorder.record(sessionId, a.user.id, EventKind.viewEnd, at(300));
    recorder.record(sessionId, b.user.id, EventKind.viewStart, at(60));
    recorder.hearts(sessionId, b.user.id, 4, at(100));
    recorder.hearts(sessionId, b.user.id, 6, at(101));
    // A view of a session by its own creator is not a viewer.
    recorder.record(sessionId, host.user.id, EventKind.viewStart, at(0));
    await recorder.drain();
    // Two heart calls became one row.
    expect(recorder.stats().written - before).toBe(5);
    // Gifts are the economy's own rows (a Money Gun ×1 and a Hand Hearts ×1), read by the studio.
    await sql`insert into gift_events (transfer_id, sender_id, creator_id, session_id, gift_id, quantity, coins,
        diamonds, streak_id, streak_count, created_at)
      values (9001, ${a.user.id}, ${host.user.id}, ${sessionId}, 'money_gun', 1, 500, 250, 's1', 1, ${new Date(at(90))}),
        (9002, ${a.user.id}, ${host.user.id}, ${sessionId}, 'hand_hearts', 1, 100, 50, 's2', 1, ${new Date(at(400))})`.execute(
      database.db,
    );

    const { rows } = await sql<{ id: string }>`
      insert into battles (status, mode, reason, invite_ms, connect_ms, duration_ms, result_ms, invited_at,
        started_at, ends_at, ended_at, winner)
      values ('ended', 'invite', 'finished', 30000, 5000, 120000, 10000, ${new Date(at(50))}, ${new Date(at(60))},
        ${new Date(at(180))}, ${new Date(at(190))}, 0)
      returning id`.execute(database.db);
    const battleId = rows[0]!.id;
    await sql`insert into battle_members (battle_id, user_id, side, session_id, open)
      values (${battleId}, ${host.user.id}, 0, ${sessionId}, false), (${battleId}, ${rival.user.id}, 1, null, false)`.execute(
      database.db,
    );

    await app.services.studio.sessionEnded(sessionId);
    const res = await app.inject({ url: `/api/v1/studio/sessions/${sessionId}`, headers: host.auth });
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d).toMatchObject({
      durationS: 600,
      uniqueViewers: 2,
      peakViewers: 2,
      peakAt: new Date(at(60)).toISOString(),
      totalWatchS: 300 + 540,
      avgWatchS: 420,
      hearts: 10,
      gifts: 2,
      coins: 600,
      engagedViewers: 2,
      engagementRate: 1,
    });
    expect(d.battles).toMatchObject({ wins: 1, losses: 0, draws: 0 });
    expect(d.battles.list).toEqual([
      {
        opponent: expect.objectContaining({ handle: rival.user.handle }),
        startedAt: new Date(at(60)).toISOString(),
        endedAt: new Date(at(180)).toISOString(),
        result: 'win',
        coins: 500,
      },
    ]);
    expect(d.minutes).toHaveLength(10);
    expect(d.minutes.map((m: { viewers: number }) => m.viewers)).toEqual([1, 2, 2, 2, 2, 1, 1, 1, 1, 1]);

    // Stored: the list reads the same figures, and the audience sees both viewers as new.
    const list = await app.inject({ url: '/api/v1/studio/sessions', headers: host.auth });
    expect(list.json().sessions[0]).toMatchObject({ id: sessionId, uniqueViewers: 2, coins: 600 });
    const audience = await app.inject({ url: '/api/v1/studio/audience', headers: host.auth });
    expect(audience.json().classes).toEqual({ regular: 0, returning: 0, new: 2 });
  });

  it('drops (and counts) events past its bound instead of growing without limit', async () => {
    const recorder = createMetricsRecorder({
      db: database.db,
      log: pino({ level: 'silent' }),
      maxPending: 3,
    });
    const session = '00000000-0000-4000-8000-00000000abcd';
    for (let i = 0; i < 5; i++) recorder.record(session, session, EventKind.comment, Date.now());
    await recorder.drain();
    expect(recorder.stats()).toEqual({ written: 3, dropped: 2, pending: 0 });
    await recorder.close();
    recorder.record(session, session, EventKind.comment);
    expect(recorder.stats().pending).toBe(0);
  });

  it('publishes the studio API in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, unknown> };
    for (const path of [
      'sessions',
      'sessions/{id}',
      'trends',
      'audience',
      'heatmap',
      'insights',
      'live',
      'export',
    ]) {
      expect(doc.paths).toHaveProperty([`/api/v1/studio/${path}`]);
    }
  });
});
