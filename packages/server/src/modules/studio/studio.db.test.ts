import type { StudioLive } from '@onair/protocol';
import { OnAirClient, OnAirRealtime, type RoomHandle } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { endLive, goLive } from '../economy/testing.ts';

/**
 * A simulated session end to end: SDK clients join, leave, reconnect, comment, tap hearts, share,
 * follow and gift over the real gateway and API, and the studio API reports the expected figures.
 */
describe.each(testDatabases())('creator studio on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let base: string;
  const sockets: OnAirRealtime[] = [];

  const client = async (handle: string) => {
    const c = new OnAirClient({ baseUrl: base });
    const user = await c.signup({ handle, password: 'password123' }, { bearer: true });
    return { c, user, auth: { authorization: `Bearer ${c.token}` } };
  };

  const connect = async (token?: string) => {
    class AuthedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      }
    }
    let open!: () => void;
    const opened = new Promise<void>((r) => {
      open = r;
    });
    const rt = new OnAirRealtime({
      url: `${base.replace('http', 'ws')}/api/v1/ws`,
      WebSocketImpl: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
      onFrame: () => undefined,
      onStatus: (s) => s === 'open' && open(),
    });
    sockets.push(rt);
    await opened;
    return rt;
  };

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { ROOM_BATCH_MS: '20', TEST_CLOCK: 'on' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await database?.drop();
  });

  it('turns a session into the figures creators see, and refuses bad requests with codes', async () => {
    const p = `s${kind.name.slice(0, 2)}${Math.random().toString(36).slice(2, 6)}`;
    const host = await client(`${p}_host`);
    const v1 = await client(`${p}_v1`);
    const v2 = await client(`${p}_v2`);
    const v3 = await client(`${p}_v3`);
    const rival = await client(`${p}_rival`);
    const sessionId = await goLive(app, host);
    await goLive(app, rival).then((id) => endLive(app, id));

    /** The live dashboard once it shows `ok` (the capture and the 2 s computation are asynchronous). */
    const live = (what: string, ok: (l: StudioLive) => boolean) =>
      eventually(what, async () => {
        const l = await host.c.studioLive();
        return ok(l) ? l : undefined;
      });
    const [r1, r2, r3, anon] = await Promise.all([
      connect(v1.c.token),
      connect(v2.c.token),
      connect(v3.c.token),
      connect(),
    ]);
    const noop = {};
    const h1 = r1!.joinRoom(sessionId, noop);
    let h2: RoomHandle = r2!.joinRoom(sessionId, noop);
    const h3 = r3!.joinRoom(sessionId, noop);
    anon!.joinRoom(sessionId, noop);
    await live('four viewers', (l) => l.viewers === 4);
    // A minute of watching, without waiting for it: everyone has now watched at least 60 s.
    app.services.testClock!.advance(60_000);

    await h1.comment('hello');
    await h1.comment('great stream');
    h1.heart(3);
    h1.heart(2);
    await v2.c.share(host.user.handle);
    await v3.c.follow(host.user.handle);
    await v1.c.confirmPurchase((await v1.c.buyCoins('coins_70')).id);
    const gift = await v1.c.sendGift(host.user.handle, { giftId: 'rose', quantity: 2 });

    // v2 drops and comes back: still one viewer. v3 leaves for good.
    h2.leave();
    await live('v2 gone', (l) => l.viewers === 3);
    h2 = r2!.joinRoom(sessionId, noop);
    h3.leave();
    const during = await live(
      'live counters',
      (l) => l.viewers === 3 && l.gifts === 1 && l.newFollowers === 1,
    );
    expect(during).toMatchObject({
      live: true,
      sessionId,
      uniqueViewers: 4,
      peakViewers: 4,
      coins: gift.coins,
    });
    expect(during.heartsPerMin).toBe(5);
    expect(during.commentsPerMin).toBe(2);
    expect(h2).toBeDefined();

    await endLive(app, sessionId);
    const detail = await host.c.studioSession(sessionId);
    expect(detail).toMatchObject({
      id: sessionId,
      status: 'ended',
      live: false,
      uniqueViewers: 4,
      peakViewers: 4,
      comments: 2,
      hearts: 5,
      shares: 1,
      newFollowers: 1,
      gifts: 1,
      coins: gift.coins,
      diamonds: gift.diamonds,
      engagedViewers: 3,
      engagementRate: 0.75,
      newViewers: 4,
      returningViewers: 0,
    });
    expect(detail.topSupporters).toEqual([
      { user: expect.objectContaining({ handle: v1.user.handle }), coins: gift.coins, gifts: 1 },
    ]);
    expect(detail.followSources).toEqual([{ sharer: null, followers: 1 }]);
    expect(detail.totalWatchS).toBeGreaterThanOrEqual(4 * 60);
    expect(detail.minutes.length).toBeGreaterThanOrEqual(2);
    expect(detail.minutes.reduce((n, m) => n + m.comments, 0)).toBe(2);

    // A second session: v1 comes back (returning), nobody else does.
    const second = await goLive(app, host);
    const again = await connect(v1.c.token);
    again.joinRoom(second, noop);
    await live('v1 back', (l) => l.viewers === 1);
    await endLive(app, second);
    expect(await host.c.studioSession(second)).toMatchObject({
      uniqueViewers: 1,
      returningViewers: 1,
      newViewers: 0,
    });

    const list = await host.c.studioSessions({ limit: 1 });
    expect(list.sessions.map((s) => s.id)).toEqual([second]);
    const page2 = await host.c.studioSessions({ limit: 1, before: list.nextCursor! });
    expect(page2.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(page2.sessions[0]).toMatchObject({ uniqueViewers: 4, coins: gift.coins, diamonds: gift.diamonds });

    const audience = await host.c.studioAudience();
    expect(audience.sessions).toBe(2);
    // Signed-in viewers only (the anonymous socket has no account to list).
    expect(audience.classes).toEqual({ regular: 0, returning: 1, new: 2 });
    expect(audience.fans[0]).toMatchObject({
      user: { handle: v1.user.handle },
      class: 'returning',
      sessions: 2,
    });
    expect(audience.supporters[0]).toMatchObject({ user: { handle: v1.user.handle }, coins: gift.coins });
    expect(audience.sharers[0]).toMatchObject({ user: { handle: v2.user.handle }, links: 1 });
    const v3Fan = audience.fans.find((f) => f.user.handle === v3.user.handle);
    expect(v3Fan?.follower).toBe(true);

    const heat = await host.c.studioHeatmap({ tzOffsetMin: 0 });
    expect(heat.followers).toBe(1);
    expect(heat.cells.reduce((a, b) => a + b, 0)).toBe(1);

    const day = new Date().toISOString().slice(0, 10);
    const trends = await host.c.studioTrends({ from: day, to: day, bucket: 'day' });
    expect(trends.points).toHaveLength(1);
    expect(trends.points[0]).toMatchObject({ sessions: 2, newFollowers: 1, diamonds: gift.diamonds });

    const insights = await host.c.studioInsights();
    expect(insights.sessions).toBe(2);

    const csv = await host.c.studioExport({
      dataset: 'minutes',
      sessionId,
      columns: 'minute,viewers,comments',
    });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('minute,viewers,comments');
    expect(lines).toHaveLength(detail.minutes.length + 1);
    const fansCsv = await host.c.studioExport({ dataset: 'fans' });
    expect(fansCsv).toContain(v1.user.handle);

    // Bad input: coded errors, nothing changed.
    await expect(rival.c.studioSession(sessionId)).rejects.toMatchObject({
      status: 403,
      code: 'auth.forbidden',
    });
    await expect(host.c.studioSession('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: 'studio.session_not_found',
    });
    await expect(v1.c.studioSessions()).rejects.toMatchObject({ status: 403 });
    await expect(host.c.studioTrends({ from: '2026-03-01', to: '2026-02-01' })).rejects.toMatchObject({
      status: 400,
      code: 'studio.range_invalid',
    });
    await expect(host.c.studioTrends({ from: '2020-01-01', to: '2026-01-01' })).rejects.toMatchObject({
      status: 400,
      code: 'studio.range_invalid',
    });
    await expect(host.c.studioTrends({ from: 'yesterday', to: day })).rejects.toMatchObject({
      status: 400,
      code: 'request.invalid',
    });
    await expect(
      host.c.studioExport({ dataset: 'minutes', sessionId, columns: 'minute,bogus' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'studio.csv_invalid',
      data: { unknown: ['bogus'] },
    });
    await expect(host.c.studioExport({ dataset: 'fans', columns: 'handle;coins' })).rejects.toMatchObject({
      status: 400,
      code: 'request.invalid',
    });
    await expect(host.c.studioExport({ dataset: 'minutes' })).rejects.toMatchObject({
      code: 'studio.csv_invalid',
    });
    await expect(host.c.studioExport({ dataset: 'trends', from: day })).rejects.toMatchObject({
      code: 'studio.csv_invalid',
    });
    const bad = await app.inject({ url: '/api/v1/studio/export?dataset=secrets', headers: host.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
    expect((await host.c.studioSession(sessionId)).computedAt).toBe(detail.computedAt);
  });
});
