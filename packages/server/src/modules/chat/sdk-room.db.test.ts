import type { ChatComment, RoomEvent } from '@onair/protocol';
import { OnAirClient, OnAirRealtime } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';

const [pglite] = testDatabases();

/** The SDK's room client against a real server: reconnects resume from the last seq it saw. */
describe('SDK room client', () => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let base: string;
  let room: string;

  beforeAll(async () => {
    database = await pglite!.create();
    app = await testApp(database, { ROOM_BATCH_MS: '20' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const host = new OnAirClient({ baseUrl: base });
    await host.signup({ handle: 'sdk_host', password: 'password123' }, { bearer: true });
    const key = (await host.myRoom()).ingest.streamKey;
    room = (await app.services.live.hooks.authorizePublish({
      app: 'live',
      name: key,
      clientIp: '127.0.0.1',
    }))!.streamId;
    await app.services.live.hooks.published(room, {
      videoCodec: 'h264',
      audioCodec: null,
      width: 1,
      height: 1,
      fps: 1,
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const realtime = (token?: string) => {
    // Node's `ws` takes headers; the browser sends the session cookie instead.
    class AuthedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      }
    }
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const rt = new OnAirRealtime({
      url: `${base.replace('http', 'ws')}/api/v1/ws`,
      WebSocketImpl: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
      onFrame: (f) => process.env.DEBUG_WS && console.log('frame', JSON.stringify(f).slice(0, 200)),
      onStatus: (s) => s === 'open' && open(),
    });
    return { rt, opened };
  };

  it('posts, receives in order, and after a dropped connection gets exactly what it missed', async () => {
    const fan = new OnAirClient({ baseUrl: base });
    await fan.signup({ handle: 'sdk_fan', password: 'password123' }, { bearer: true });
    const { rt: viewer, opened } = realtime();
    await opened;
    const seen: RoomEvent[] = [];
    let snapshots = 0;
    viewer.joinRoom(room, { onSnapshot: () => snapshots++, onEvents: (es) => seen.push(...es) });

    const { rt: poster, opened: posterOpen } = realtime(fan.token);
    await posterOpen;
    let posterJoined = false;
    const chat = poster.joinRoom(room, { onSnapshot: () => (posterJoined = true) });
    // Both are in the room once each has its snapshot: the first comment is then an event to both.
    await eventually('both clients joined', () => snapshots === 1 && posterJoined);
    const first = await chat.comment('hello from the SDK');
    expect(first.seq).toBeGreaterThan(0);
    await expect(chat.comment('x'.repeat(200))).rejects.toMatchObject({ code: 'request.invalid' });

    // Drop the viewer's socket (as a network failure would); it reconnects with backoff on its own.
    (viewer as unknown as { socket: WebSocket }).socket.terminate();
    for (let i = 0; i < 4; i++) await chat.comment(`while you were away ${i}`);
    await eventually('the viewer to catch up', () => seen.filter((e) => e.kind === 'comment').length >= 5);
    const texts = seen
      .filter((e): e is RoomEvent & { comment: ChatComment } => e.kind === 'comment')
      .map((e) => e.comment.text);
    expect(texts).toEqual([
      'hello from the SDK',
      'while you were away 0',
      'while you were away 1',
      'while you were away 2',
      'while you were away 3',
    ]);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(snapshots).toBe(1);
    viewer.close();
    poster.close();
  });
});
