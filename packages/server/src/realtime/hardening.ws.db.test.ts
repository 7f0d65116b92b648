import type { RoomEvent } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { goLive } from '../modules/economy/testing.ts';
import { signup, testApp } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { eventually } from '../test/eventually.ts';
import { connect, type Frame } from '../test/ws-client.ts';

/** Repros of the WebSocket findings of the attack from outside (HTTP ones: http/hardening.db.test.ts). */
type Client = Awaited<ReturnType<typeof connect>>;

describe.each(testDatabases())('hardening over WebSocket ($name)', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let wsUrl: string;
  let room: string;
  let host: Awaited<ReturnType<typeof signup>>;
  let fan: Awaited<ReturnType<typeof signup>>;
  let troll: Awaited<ReturnType<typeof signup>>;
  const open: Client[] = [];
  const logged: { level: number; msg: string }[] = [];

  const client = async (auth: Record<string, string> = {}) => {
    const c = await connect(wsUrl, auth);
    open.push(c);
    await c.next('hello');
    return c;
  };
  const join = async (c: Client) => {
    c.ws.send(JSON.stringify({ type: 'join', room }));
    return c.next('joined');
  };
  const history = async () =>
    (
      (await app.inject({ url: `/api/v1/sessions/${room}/comments?limit=100` })).json().comments as {
        text: string;
      }[]
    ).map((c) => c.text);

  beforeAll(async () => {
    database = await kind.create();
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    app = await testApp(database, { ROOM_BATCH_MS: '20' }, undefined, undefined, logger);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${base.replace('http', 'ws')}/api/v1/ws`;
    host = await signup(app);
    fan = await signup(app);
    troll = await signup(app);
    room = await goLive(app, host);
  });
  afterAll(async () => {
    for (const c of open) c.ws.close();
    await app?.close();
    await database?.drop();
  });

  it('refuses a comment with U+0000 before anyone sees it, and stores everyone else’s (finding 1)', async () => {
    const fanWs = await client(fan.auth);
    const trollWs = await client(troll.auth);
    await join(fanWs);
    await join(trollWs);
    trollWs.ws.send(JSON.stringify({ type: 'comment', room, text: 'bad\u0000byte', nonce: 'bad' }));
    fanWs.ws.send(JSON.stringify({ type: 'comment', room, text: 'kept 1', nonce: 'k1' }));
    fanWs.ws.send(JSON.stringify({ type: 'comment', room, text: 'kept 2', nonce: 'k2' }));
    const refused = await trollWs.next('error|ack');
    expect(refused).toMatchObject({ type: 'error', code: 'request.invalid', nonce: 'bad' });
    expect(await fanWs.next('ack')).toMatchObject({ nonce: 'k1' });
    expect(await fanWs.next('ack')).toMatchObject({ nonce: 'k2' });
    // Acked means stored: the history has them at once.
    const texts = await history();
    expect(texts).toEqual(expect.arrayContaining(['kept 1', 'kept 2']));
    expect(texts.some((t) => t.includes('\u0000'))).toBe(false);
  });

  it('isolates a row the database refuses from the others in its batch, and takes it back from the room (finding 1)', async () => {
    const viewer = await client();
    await join(viewer);
    const events: RoomEvent[] = [];
    viewer.ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as Frame & { events?: RoomEvent[] };
      if (f.type === 'batch') events.push(...(f.events ?? []));
    });
    // Past the protocol (which refuses it): what a bug in validation would let through. Posted in the
    // same batch window as two good comments from other people.
    const chat = app.services.chat;
    const [bad, good1, good2] = await Promise.all([
      chat.postComment(troll.user as never, room, 'slipped\u0000through'),
      chat.postComment(fan.user as never, room, 'good one'),
      chat.postComment(host.user as never, room, 'good two'),
    ]);
    await expect(good1.stored).resolves.toBeUndefined();
    await expect(good2.stored).resolves.toBeUndefined();
    const err = await bad.stored.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('internal');
    const texts = await history();
    expect(texts).toEqual(expect.arrayContaining(['good one', 'good two']));
    expect(texts).not.toContain('slipped\u0000through');
    await eventually('the refused comment taken back', () =>
      events.some((e) => e.kind === 'comment_deleted' && e.id === bad.id),
    );
    // The others are there for moderation too.
    const pin = await app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${room}/pin`,
      headers: host.auth,
      payload: { commentId: good1.id },
    });
    expect(pin.statusCode).toBe(200);
  });

  it('runs a join and a comment sent in the same tick in order (finding 6)', async () => {
    const c = await client(fan.auth);
    c.ws.send(JSON.stringify({ type: 'join', room }));
    c.ws.send(JSON.stringify({ type: 'comment', room, text: 'right behind my join', nonce: 'tick' }));
    expect((await c.next('joined|error')).type).toBe('joined');
    expect(await c.next('ack|error')).toMatchObject({ type: 'ack', nonce: 'tick' });
  });

  it('answers a plain GET of the realtime endpoint with a coded 404', async () => {
    const res = await app.inject({ url: '/api/v1/ws' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('route.not_found');
  });

  it('acknowledges a watch, so a client knows when stream frames will reach it', async () => {
    const c = await client();
    c.ws.send(JSON.stringify({ type: 'watch', sessionId: room }));
    expect(await c.next('watching|error')).toEqual({ type: 'watching', sessionId: room });
  });

  it('closes a socket that sends a frame over the size limit with 1009, cleanly (finding 7)', async () => {
    const loggedBefore = logged.length;
    const small = await client();
    const closedSmall = small.closed();
    small.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }));
    expect(await closedSmall).toBe(1009);
    // Past ws's own maxPayload (1 MiB): ws starts the close itself; it must be allowed to finish.
    const huge = await client();
    const closedHuge = huge.closed();
    huge.ws.send('x'.repeat(1024 * 1024 + 10));
    expect(await closedHuge).toBe(1009);
    // The client's doing, so not an error of ours: logged at info, the socket left to close itself.
    await eventually('the violation logged', () => logged.some((l) => l.msg.includes('protocol violation')));
    expect(logged.slice(loggedBefore).filter((l) => l.level >= 50)).toEqual([]);
    // The server still serves everyone else.
    const after = await client();
    await join(after);
  });
});
