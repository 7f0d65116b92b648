import type { AddressInfo } from 'node:net';
import { EventKind } from '@onair/core';
import { OnAirClient, OnAirRealtime } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { handle, signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { type Nodes, twoNodeBackends } from '../../test/nodes.ts';
import { goLive } from '../economy/testing.ts';

// Newcomers are creators with no follower at all here, so a test needs one follow, not a hundred.
const ENV = {
  TEST_CLOCK: 'on',
  RANKING_INTERVAL_MS: '200',
  RANKING_NEWCOMER_FOLLOWERS: '1',
  JOBS_POLL_MS: '50',
};
const database = testDatabases().at(-1)!;

interface Person {
  client: OnAirClient;
  rt: OnAirRealtime;
  id: string;
  handle: string;
}

describe.each(twoNodeBackends())('For You across two nodes ($name bus)', (backend) => {
  let db: TestDatabaseHandle;
  let nodeA: FastifyInstance;
  let nodeB: FastifyInstance;
  let nodes: Nodes;
  let urlA: string;
  let urlB: string;
  const people: Person[] = [];

  const person = async (baseUrl: string): Promise<Person> => {
    const client = new OnAirClient({ baseUrl });
    const user = await client.signup({ handle: handle('fy'), password: 'password123' }, { bearer: true });
    const token = client.token!;
    // Node's `ws` takes headers; the browser sends the session cookie instead.
    class AuthedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { authorization: `Bearer ${token}` } });
      }
    }
    const rt = new OnAirRealtime({
      url: `${baseUrl.replace('http', 'ws')}/api/v1/ws`,
      WebSocketImpl: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
      onFrame: () => {},
    });
    const p = { client, rt, id: user.id, handle: user.handle };
    people.push(p);
    return p;
  };
  const live = async (p: Person) =>
    goLive(nodeA, {
      user: { id: p.id, handle: p.handle },
      auth: { authorization: `Bearer ${p.client.token}` },
    });
  /** Both nodes' test clocks move together, so whichever node ranks reads the same time. */
  const advance = (ms: number) => {
    nodeA.services.testClock!.advance(ms);
    nodeB.services.testClock!.advance(ms);
  };

  beforeAll(async () => {
    db = await database.create();
    nodes = backend.make();
    nodeA = await testApp(db, ENV, nodes.redis[0], nodes.buses[0]);
    nodeB = await testApp(db, ENV, nodes.redis[1], nodes.buses[1]);
    for (const app of [nodeA, nodeB]) await app.listen({ port: 0, host: '127.0.0.1' });
    urlA = `http://127.0.0.1:${(nodeA.server.address() as AddressInfo).port}`;
    urlB = `http://127.0.0.1:${(nodeB.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const p of people) p.rt.close();
    await nodeA?.close();
    await nodeB?.close();
    await nodes?.close();
    await db?.drop();
  });

  it('ranks the engaged room first on every node, explains it, and keeps a newcomer in view', async () => {
    // The first account is the platform's admin, who also sees the ranking's whole config.
    const operator = await person(urlA);
    const busy = await person(urlA);
    const quiet = [await person(urlA), await person(urlA), await person(urlA), await person(urlA)];
    const newcomer = await person(urlA);
    // The quiet rooms are established creators (a follower each, from before they went LIVE: the
    // ranking recounts followers about once a minute) with a viewer; the newcomer has neither, so
    // it ranks last.
    const friend = await person(urlA);
    for (const q of quiet) await friend.client.follow(q.handle);
    const busySession = await live(busy);
    const quietSessions: string[] = [];
    for (const q of quiet) quietSessions.push(await live(q));
    const quietSession = quietSessions[0]!;
    const newSession = await live(newcomer);

    const fans = [await person(urlA), await person(urlB), await person(urlB)];
    // One lurker per quiet room (a socket watches one LIVE at a time).
    const lurkers = [await person(urlB), await person(urlB), await person(urlA), await person(urlA)];
    // Joining a room's chat is what starts a view (the studio counts viewers there).
    const join = async (p: Person, session: string) => {
      let joined!: () => void;
      const snapshot = new Promise<void>((r) => (joined = r));
      const room = p.rt.joinRoom(session, { onSnapshot: () => joined() });
      await snapshot;
      return room;
    };
    const rooms = await Promise.all(fans.map((f) => join(f, busySession)));
    await Promise.all(lurkers.map((l, i) => join(l, quietSessions[i]!)));
    // Viewers count once they stayed 10 s: the clock moves instead of the test waiting.
    advance(30_000);
    for (const [i, room] of rooms.entries()) {
      await room.comment(`hello from @${fans[i]!.handle}`);
      room.heart(5);
      await fans[i]!.client.follow(busy.handle);
    }

    // Ranked by node A's or node B's worker, whichever ran: node B serves the same order.
    const feed = await eventually('the engaged room ranked first on node B', async () => {
      const page = await new OnAirClient({ baseUrl: urlB }).feed('foryou', 10);
      const ids = page.items.map((c) => c.sessionId);
      const last = page.items.find((c) => c.sessionId === newSession);
      return ids[0] === busySession && ids.length === 6 && last?.ranking?.position === 6 && page;
    });
    expect(feed.items[0]!.ranking).toEqual({ position: 1, explore: false });
    const onA = await new OnAirClient({ baseUrl: urlA }).feed('foryou', 10);
    expect(onA.items.map((c) => c.sessionId)).toEqual(feed.items.map((c) => c.sessionId));

    // The newcomer has no signals and ranks last, but a page of five keeps an exploration slot for it.
    const ranked = await eventually('the newcomer ranked behind the quiet room', async () => {
      const r = await busy.client.studioRanking();
      return r.position === 1 && r;
    });
    expect(ranked.live).toBe(true);
    expect(ranked.signals.map((s) => s.signal)).toEqual([
      'engagement',
      'watchTime',
      'newFollowers',
      'consistency',
      'retention',
    ]);
    expect(ranked.signals.reduce((sum, s) => sum + s.weight, 0)).toBeCloseTo(1, 6);
    expect(ranked.score).toBeCloseTo(
      ranked.signals.reduce((sum, s) => sum + s.contribution, 0) + ranked.freshness,
      6,
    );
    expect(ranked.advice?.message).toMatch(/\S/);
    expect(ranked.config).toBeUndefined();
    expect((await operator.client.studioRanking()).config?.weights.engagement).toBe(0.3);

    // Ranked last, yet in a page of ten it holds the exploration slot (the fifth), ahead of two.
    expect(feed.items.map((c) => c.ranking?.explore)).toEqual([false, false, false, false, true, false]);
    expect(feed.items[4]!.sessionId).toBe(newSession);
    const page = await new OnAirClient({ baseUrl: urlB }).feed('foryou', 5);
    const newcomerCard = page.items.find((c) => c.sessionId === newSession);
    expect(newcomerCard?.ranking?.explore).toBe(true);
    expect(page.items.filter((c) => c.ranking?.explore)).toHaveLength(1);

    // Signed in, the friend sees who they follow ahead of where the shared order puts them.
    const personal = await friend.client.feed('foryou', 10);
    expect(personal.items.map((c) => c.sessionId).indexOf(quietSession)).toBeLessThan(
      feed.items.map((c) => c.sessionId).indexOf(quietSession) + 1,
    );
    expect((await quiet[0]!.client.studioRanking()).position).toBeGreaterThan(1);
  });
});

describe.each(testDatabases())('For You pages on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    // The worker is left idle (a long interval): the test runs each ranking round itself.
    app = await testApp(database, { ...ENV, RANKING_INTERVAL_MS: '600000' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const signupAndLive = async () => {
    const who = await signup(app, handle('pg'));
    return { who, session: await goLive(app, who) };
  };
  const page = async (cursor?: string) => {
    const res = await app.inject({ url: `/api/v1/feed?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode).toBe(200);
    return res.json() as { items: { sessionId: string }[]; nextCursor: string | null };
  };

  it('pages through every LIVE room once while the order changes between pages', async () => {
    const rooms = [];
    for (let i = 0; i < 7; i++) rooms.push(await signupAndLive());
    await app.services.discovery.recompute();
    const { recorder } = app.services.studio;

    const shown: string[] = [];
    let jumped = 0;
    let cursor: string | undefined;
    for (let round = 0; round < 10; round++) {
      const p = await page(cursor);
      shown.push(...p.items.map((c) => c.sessionId));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
      // The order moves under the reader: the room ranked last gets an engaged viewer and jumps to the
      // top, where an offset cursor would show a room twice and skip another.
      const last = await database.db
        .selectFrom('liveRankings')
        .select(['sessionId', 'position'])
        .orderBy('position', 'desc')
        .executeTakeFirstOrThrow();
      const fan = await signup(app, handle('fan'));
      // The fan watches a minute (the clock moves) and comments; events are stamped as they happen.
      recorder.record(last.sessionId, fan.user.id, EventKind.viewStart);
      app.services.testClock!.advance(60_000);
      for (let i = 0; i < 5; i++) recorder.record(last.sessionId, fan.user.id, EventKind.comment);
      await recorder.drain();
      await app.services.discovery.recompute();
      const top = await database.db
        .selectFrom('liveRankings')
        .select('sessionId')
        .where('position', '=', 1)
        .executeTakeFirstOrThrow();
      if (top.sessionId === last.sessionId && last.position > 1) jumped++;
    }
    expect(jumped).toBeGreaterThan(0);
    expect(new Set(shown).size).toBe(shown.length);
    expect(new Set(shown)).toEqual(new Set(rooms.map((r) => r.session)));
  });

  it('refuses a tampered or made-up cursor with a coded 400', async () => {
    await signupAndLive();
    await signupAndLive();
    await signupAndLive();
    await app.services.discovery.recompute();
    const first = await page();
    expect(first.nextCursor).toBeTruthy();
    const raw = Buffer.from(first.nextCursor!, 'base64url');
    raw[4] = raw[4]! ^ 0xff;
    for (const bad of [raw.toString('base64url'), 'not-a-cursor', 'AAAA', `${first.nextCursor}x`, '%00']) {
      const res = await app.inject({ url: `/api/v1/feed?cursor=${encodeURIComponent(bad)}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code, bad).toMatch(/^request\.(invalid_cursor|invalid)$/);
    }
  });

  it('asks to sign in for the studio ranking and the Following tab', async () => {
    expect((await app.inject({ url: '/api/v1/studio/ranking' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/feed?tab=following' })).statusCode).toBe(401);
  });
});
