import type { ChatComment, RoomEvent } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { type Nodes, twoNodeBackends } from '../../test/nodes.ts';
import { connect, type Frame } from '../../test/ws-client.ts';

type Client = Awaited<ReturnType<typeof connect>>;

const backends = twoNodeBackends();
const [pglite] = testDatabases();

/** Collects every event and signal a client receives in a room, for assertions over a whole run. */
function roomRecorder(client: Client) {
  const events: RoomEvent[] = [];
  let hearts = 0;
  let viewers: { current: number; peak: number } | undefined;
  const errors: Frame[] = [];
  const acks: Frame[] = [];
  /** Frame types in arrival order, a batch only when it carries events (to check what came first). */
  const order: string[] = [];
  client.ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type !== 'batch' || f.events.length > 0) order.push(f.type);
    if (f.type === 'batch') {
      events.push(...f.events);
      hearts += f.hearts ?? 0;
      if (f.viewers) viewers = f.viewers;
    } else if (f.type === 'error') errors.push(f);
    else if (f.type === 'ack') acks.push(f);
  });
  return {
    events,
    errors,
    acks,
    order,
    hearts: () => hearts,
    viewers: () => viewers,
    comments: () =>
      events
        .filter((e): e is Extract<RoomEvent, { kind: 'comment' }> => e.kind === 'comment')
        .map((e) => e.comment),
  };
}

describe.each(backends)('LIVE room chat across two nodes ($name)', (backend) => {
  let database: TestDatabaseHandle;
  let nodes: Nodes;
  let nodeA: FastifyInstance;
  let nodeB: FastifyInstance;
  let wsA: string;
  let wsB: string;
  let room: string;
  let host: Awaited<ReturnType<typeof signup>>;
  let fan: Awaited<ReturnType<typeof signup>>;
  let troll: Awaited<ReturnType<typeof signup>>;
  const open: Client[] = [];

  const client = async (url: string, auth: Record<string, string> = {}) => {
    const c = await connect(url, auth);
    open.push(c);
    await c.next('hello');
    return c;
  };
  const join = async (c: Client, since?: number) => {
    c.ws.send(JSON.stringify({ type: 'join', room, ...(since === undefined ? {} : { since }) }));
    return c.next('joined');
  };

  beforeAll(async () => {
    database = await pglite!.create();
    nodes = backend.make();
    const env = { ROOM_BATCH_MS: '20' };
    nodeA = await testApp(database, env, nodes.redis[0], nodes.buses[0]);
    nodeB = await testApp(database, env, nodes.redis[1], nodes.buses[1]);
    const a = await nodeA.listen({ port: 0, host: '127.0.0.1' });
    const b = await nodeB.listen({ port: 0, host: '127.0.0.1' });
    wsA = `${a.replace('http', 'ws')}/api/v1/ws`;
    wsB = `${b.replace('http', 'ws')}/api/v1/ws`;
    const tag = backend.name === 'redis' ? 'r' : 'p';
    host = await signup(nodeA, `host_${tag}`);
    fan = await signup(nodeA, `fan_${tag}`);
    troll = await signup(nodeA, `troll_${tag}`);
    await nodeA.inject({ method: 'POST', url: '/api/v1/me/creator', headers: host.auth });
    const key = (await nodeA.inject({ url: '/api/v1/me/room', headers: host.auth })).json().ingest.streamKey;
    const { streamId } = (await nodeA.services.live.hooks.authorizePublish({
      app: 'live',
      name: key,
      clientIp: '127.0.0.1',
    }))!;
    await nodeA.services.live.hooks.published(streamId, {
      videoCodec: 'h264',
      audioCodec: 'aac',
      width: 720,
      height: 1280,
      fps: 30,
    });
    room = streamId;
  });
  afterAll(async () => {
    for (const c of open) c.ws.close();
    await nodeA?.close();
    await nodeB?.close();
    await nodes?.close();
    await database?.drop();
  });

  it('delivers comments from both nodes to every viewer in one order, with no gap and no duplicate', async () => {
    const viewerB = await client(wsB);
    const first = await join(viewerB);
    expect(first.snapshot).toMatchObject({ comments: [], pinned: null, slowModeS: 0 });
    const rec = roomRecorder(viewerB);
    const hostA = await client(wsA, host.auth);
    const fanB = await client(wsB, fan.auth);
    await join(hostA);
    await join(fanB);
    for (let i = 0; i < 20; i++) {
      const [who, name] = i % 2 ? [hostA, 'host'] : [fanB, 'fan'];
      who.ws.send(JSON.stringify({ type: 'comment', room, text: `${name} ${i}`, nonce: `n${i}` }));
    }
    await eventually('20 comments', () => rec.comments().length === 20);
    const seqs = rec.events.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    const fromFan = rec.comments().filter((c) => c.user.handle.startsWith('fan'));
    expect(fromFan.map((c) => c.text)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18].map((i) => `fan ${i}`));
    expect(rec.comments().find((c) => c.user.handle.startsWith('host'))!.user.badge).toBe('host');
    // Presence is exchanged between nodes about once a second.
    await eventually('3 viewers', () => rec.viewers()?.current === 3);
  });

  it('acks each comment with its seq and nonce, and keeps it in the paged history', async () => {
    const fanA = await client(wsA, fan.auth);
    await join(fanA);
    fanA.ws.send(
      JSON.stringify({ type: 'comment', room, text: 'Where is the recipe? @host_x', nonce: 'abc' }),
    );
    const ack = await fanA.next('ack');
    expect(ack).toMatchObject({ nonce: 'abc', id: expect.any(String), seq: expect.any(Number) });
    await nodeA.services.chat.drain();
    const page = (await nodeB.inject(`/api/v1/sessions/${room}/comments?limit=5`)).json();
    expect(page.comments[0]).toMatchObject({
      id: ack.id,
      text: 'Where is the recipe? @host_x',
      mentions: ['host_x'],
    });
    expect(page.comments).toHaveLength(5);
    const older = (
      await nodeB.inject(`/api/v1/sessions/${room}/comments?limit=5&before=${page.nextCursor}`)
    ).json();
    expect(older.comments[0].id).not.toBe(page.comments[4].id);
  });

  it('sums hearts from many taps into batches, and lets anonymous viewers watch but not post', async () => {
    const watcher = await client(wsB);
    await join(watcher);
    const rec = roomRecorder(watcher);
    const fanA = await client(wsA, fan.auth);
    await join(fanA);
    for (let i = 0; i < 5; i++) fanA.ws.send(JSON.stringify({ type: 'heart', room, count: 3 }));
    await eventually('15 hearts', () => rec.hearts() === 15);

    watcher.ws.send(JSON.stringify({ type: 'comment', room, text: 'hi', nonce: 'anon' }));
    expect(await watcher.next('error')).toMatchObject({ code: 'auth.required', nonce: 'anon' });
    watcher.ws.send(JSON.stringify({ type: 'heart', room, count: 1 }));
    expect((await watcher.next('error')).code).toBe('auth.required');
  });

  it('resumes a reconnecting viewer from its last seq with exactly what it missed', async () => {
    const viewer = await client(wsB, fan.auth);
    await join(viewer);
    const rec = roomRecorder(viewer);
    const hostA = await client(wsA, host.auth);
    await join(hostA);
    hostA.ws.send(JSON.stringify({ type: 'comment', room, text: 'before the drop' }));
    await eventually('first comment', () => rec.comments().some((c) => c.text === 'before the drop'));
    const lastSeq = rec.events.at(-1)!.seq;
    viewer.ws.terminate();

    for (let i = 0; i < 5; i++)
      hostA.ws.send(JSON.stringify({ type: 'comment', room, text: `missed ${i}`, nonce: `m${i}` }));
    // Each ack carries the comment's seq: it is in the room's log, ready to be replayed.
    const acked = new Set<unknown>();
    while (acked.size < 5) {
      const ack = await hostA.next('ack');
      if (String(ack.nonce).startsWith('m')) acked.add(ack.nonce);
    }

    // Node B is "gone" for this viewer: it comes back on node A while the host goes on commenting,
    // so live events reach node A while the viewer's replay is being read.
    const back = await client(wsA, fan.auth);
    const rec2 = roomRecorder(back);
    const rejoin = join(back, lastSeq);
    for (let i = 0; i < 5; i++)
      hostA.ws.send(JSON.stringify({ type: 'comment', room, text: `live ${i}`, nonce: `l${i}` }));
    const joined = await rejoin;
    expect(joined.snapshot).toBeNull();
    expect(joined.replayed).toBeGreaterThanOrEqual(5);
    const seen = () => rec2.comments().filter((c) => /^(missed|live) /.test(c.text));
    await eventually('replay, then live', () => seen().length >= 10);
    // The replay first, then live events: nothing before `joined`, no gap, no duplicate.
    expect(rec2.order[0]).toBe('joined');
    const seqs = rec2.events.map((e) => e.seq);
    expect(seqs[0]).toBe(lastSeq + 1);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    expect(seen().map((c) => c.text)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `missed ${i}`),
      ...[0, 1, 2, 3, 4].map((i) => `live ${i}`),
    ]);
  });

  it('applies moderation at once: mute, banned words, slow mode, delete and pin reach every node', async () => {
    const watcher = await client(wsB);
    await join(watcher);
    const rec = roomRecorder(watcher);
    const trollA = await client(wsA, troll.auth);
    await join(trollA);
    // Node A has applied a change once its own viewers see the event: the bus delivers in order.
    const trollRec = roomRecorder(trollA);
    const seenOnA = (check: (e: RoomEvent) => boolean) =>
      eventually('event on node A', () => trollRec.events.some(check));
    const say = async (text: string, nonce: string) => {
      trollA.ws.send(JSON.stringify({ type: 'comment', room, text, nonce }));
      return trollA.next('ack|error');
    };

    const ok = await say('first!', 'c1');
    expect(ok.type).toBe('ack');
    const mute = await nodeB.inject({
      method: 'POST',
      url: `/api/v1/sessions/${room}/moderation`,
      headers: host.auth,
      payload: { action: 'mute', handle: troll.user.handle, minutes: 5 },
    });
    expect(mute.statusCode).toBe(200);
    await eventually('mute event', () =>
      rec.events.some((e) => e.kind === 'moderation' && e.action === 'mute'),
    );
    await seenOnA((e) => e.kind === 'moderation' && e.action === 'mute');
    expect(await say('still here', 'c2')).toMatchObject({ type: 'error', code: 'chat.muted', nonce: 'c2' });
    // A viewer cannot moderate.
    const denied = await nodeA.inject({
      method: 'POST',
      url: `/api/v1/sessions/${room}/moderation`,
      headers: fan.auth,
      payload: { action: 'unmute', handle: troll.user.handle },
    });
    expect(denied.statusCode).toBe(403);
    await nodeA.inject({
      method: 'POST',
      url: `/api/v1/sessions/${room}/moderation`,
      headers: host.auth,
      payload: { action: 'unmute', handle: troll.user.handle },
    });

    await nodeA.inject({
      method: 'PATCH',
      url: '/api/v1/me/chat-settings',
      headers: host.auth,
      payload: { bannedWords: ['spoiler'] },
    });
    expect(await say('big SPOILER ahead', 'c3')).toMatchObject({ type: 'error', code: 'chat.blocked_word' });

    await nodeA.inject({
      method: 'PATCH',
      url: '/api/v1/me/chat-settings',
      headers: host.auth,
      payload: { slowModeS: 30 },
    });
    expect((await say('one', 'c4')).type).toBe('ack');
    expect(await say('two', 'c5')).toMatchObject({ type: 'error', code: 'chat.slow_mode' });
    await nodeA.inject({
      method: 'PATCH',
      url: '/api/v1/me/chat-settings',
      headers: host.auth,
      payload: { slowModeS: 0 },
    });

    const target = rec.comments().find((c: ChatComment) => c.text === 'first!')!;
    const del = await nodeB.inject({
      method: 'DELETE',
      url: `/api/v1/comments/${target.id}`,
      headers: host.auth,
    });
    expect(del.statusCode).toBe(200);
    await eventually('delete event', () =>
      rec.events.some((e) => e.kind === 'comment_deleted' && e.id === target.id),
    );
    const history = (await nodeA.inject(`/api/v1/sessions/${room}/comments?limit=100`)).json();
    expect(history.comments.some((c: ChatComment) => c.id === target.id)).toBe(false);

    const one = rec.comments().find((c: ChatComment) => c.text === 'one')!;
    await nodeA.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${room}/pin`,
      headers: host.auth,
      payload: { commentId: one.id },
    });
    await eventually('pin event', () =>
      rec.events.some((e) => e.kind === 'pinned' && e.comment?.id === one.id),
    );
    const late = await client(wsB);
    expect(((await join(late)).snapshot as { pinned: unknown }).pinned).toMatchObject({ id: one.id });

    await nodeA.inject({
      method: 'POST',
      url: `/api/v1/sessions/${room}/moderation`,
      headers: host.auth,
      payload: { action: 'ban', handle: troll.user.handle },
    });
    expect(await say('let me back', 'c6')).toMatchObject({ type: 'error', code: 'chat.banned' });
  });

  it('hides a blocked user from the viewer who blocked them, and only from them', async () => {
    const other = await signup(nodeA);
    await nodeA.inject({ method: 'PUT', url: `/api/v1/users/${other.user.handle}/block`, headers: fan.auth });
    const fanB = await client(wsB, fan.auth);
    await join(fanB);
    const fanRec = roomRecorder(fanB);
    const watcher = await client(wsB);
    await join(watcher);
    const watcherRec = roomRecorder(watcher);
    const otherA = await client(wsA, other.auth);
    await join(otherA);
    otherA.ws.send(JSON.stringify({ type: 'comment', room, text: 'from the blocked one' }));
    const hostA = await client(wsA, host.auth);
    await join(hostA);
    hostA.ws.send(JSON.stringify({ type: 'comment', room, text: 'from the host' }));
    await eventually('both comments', () => watcherRec.comments().length >= 2);
    await eventually('host comment for fan', () => fanRec.comments().some((c) => c.text === 'from the host'));
    expect(fanRec.comments().some((c) => c.text === 'from the blocked one')).toBe(false);
  });

  it('rejects bad frames with coded errors and closes floods', async () => {
    const c = await client(wsA, fan.auth);
    c.ws.send(JSON.stringify({ type: 'join', room: '00000000-0000-4000-8000-000000000000' }));
    expect(await c.next('error')).toMatchObject({ code: 'live.room_not_found' });
    c.ws.send(JSON.stringify({ type: 'comment', room, text: 'not joined' }));
    expect((await c.next('error')).code).toBe('request.invalid');
    await join(c);
    c.ws.send(JSON.stringify({ type: 'comment', room, text: 'x'.repeat(151) }));
    expect((await c.next('error')).code).toBe('request.invalid');
    c.ws.send(JSON.stringify({ type: 'comment', room, text: '   ' }));
    expect((await c.next('error')).code).toBe('request.invalid');
    c.ws.send(JSON.stringify({ type: 'comment', room, text: 'forged', user: { id: host.user.id } }));
    const forged = await c.next('ack|error');
    if (forged.type === 'ack') {
      await nodeA.services.chat.drain();
      const page = (await nodeA.inject(`/api/v1/sessions/${room}/comments?limit=1`)).json();
      expect(page.comments[0].user.id).toBe(fan.user.id);
    }
    const closed = c.closed();
    for (let i = 0; i < 200; i++) c.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await closed).toBe(1008);
  });
});
