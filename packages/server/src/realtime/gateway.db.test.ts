import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../test/app.ts';
import { testRedisUrl } from '../test/backends.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { connect } from '../test/ws-client.ts';
import { type Bus, createInProcessBus, createRedisBus } from './bus.ts';

const backends: { name: string; buses(): { a: Bus; b: Bus; close(): Promise<void> } }[] = [
  {
    name: 'in-process',
    buses() {
      const bus = createInProcessBus();
      return { a: bus, b: bus, close: () => bus.close() };
    },
  },
];
const url = testRedisUrl();
if (url) {
  backends.push({
    name: 'redis',
    buses() {
      const ra = new Redis(url);
      const rb = new Redis(url);
      const a = createRedisBus(ra);
      const b = createRedisBus(rb);
      return {
        a,
        b,
        close: async () => {
          await a.close();
          await b.close();
          await ra.quit();
          await rb.quit();
        },
      };
    },
  });
}
const [pglite] = testDatabases();

describe.each(backends)('realtime gateway across two nodes ($name bus)', (backend) => {
  let database: TestDatabaseHandle;
  let nodeA: FastifyInstance;
  let nodeB: FastifyInstance;
  let wsB: string;
  let buses: ReturnType<(typeof backends)[number]['buses']>;

  beforeAll(async () => {
    database = await pglite!.create();
    buses = backend.buses();
    // Two app instances on one database stand in for two server nodes.
    nodeA = await testApp(database, {}, undefined, buses.a);
    nodeB = await testApp(database, {}, undefined, buses.b);
    const address = await nodeB.listen({ port: 0, host: '127.0.0.1' });
    wsB = `${address.replace('http', 'ws')}/api/v1/ws`;
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await buses?.close();
    await database?.drop();
  });

  it('greets anonymous and signed-in sockets, answers pings, and rejects bad frames', async () => {
    const anon = await connect(wsB);
    expect(await anon.next('hello')).toEqual({ type: 'hello', v: 1, userId: null });
    anon.ws.send(JSON.stringify({ type: 'ping', t: 5 }));
    expect(await anon.next('pong')).toEqual({ type: 'pong', t: 5 });
    anon.ws.send('not json');
    expect((await anon.next('error')).code).toBe('request.malformed_json');
    anon.ws.send(JSON.stringify({ type: 'launch_rockets' }));
    expect((await anon.next('error')).code).toBe('request.invalid');
    anon.ws.send(JSON.stringify({ type: 'watch', sessionId: 'not-a-uuid' }));
    expect((await anon.next('error')).code).toBe('request.invalid');
    const closed = anon.closed();
    anon.ws.send('x'.repeat(5000));
    expect(await closed).toBe(1009);
  });

  it('delivers a go-live notification raised on node A to the follower connected to node B', async () => {
    const creator = await signup(nodeA, `cr_${backend.name.replace('-', '')}`);
    const fan = await signup(nodeA);
    await nodeA.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    await nodeA.inject({
      method: 'PUT',
      url: `/api/v1/users/${creator.user.handle}/follow`,
      headers: fan.auth,
    });
    const socket = await connect(wsB, fan.auth);
    expect((await socket.next('hello')).userId).toBe(fan.user.id);

    const key = (await nodeA.inject({ url: '/api/v1/me/room', headers: creator.auth })).json().ingest
      .streamKey;
    const { streamId } = (await nodeA.services.live.hooks.authorizePublish({
      app: 'live',
      name: key,
      clientIp: '127.0.0.1',
    }))!;
    socket.ws.send(JSON.stringify({ type: 'watch', sessionId: streamId }));
    // Acknowledged once the socket is subscribed: nothing published after this can pass it by.
    expect(await socket.next('watching')).toEqual({ type: 'watching', sessionId: streamId });
    await nodeA.services.live.hooks.published(streamId, {
      videoCodec: 'H264',
      audioCodec: null,
      width: 640,
      height: 360,
      fps: 25,
    });

    const note = await socket.next('notification');
    expect(note.notification).toMatchObject({
      kind: 'live_started',
      sessionId: streamId,
      actor: { handle: creator.user.handle },
    });
    expect(await socket.next('stream')).toEqual({ type: 'stream', sessionId: streamId, status: 'live' });
    await nodeA.services.live.hooks.unpublished(streamId, 'stopped');
    expect(await socket.next('stream')).toEqual({ type: 'stream', sessionId: streamId, status: 'ended' });
    socket.ws.close();
  });
});
