import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';

const INFO = { videoCodec: 'H264', audioCodec: 'AAC', width: 720, height: 1280, fps: 30 };

describe.each(testDatabases())('live rooms and sessions on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: Awaited<ReturnType<typeof signup>>;
  let fan: Awaited<ReturnType<typeof signup>>;
  let quiet: Awaited<ReturnType<typeof signup>>;
  const kicked: string[] = [];

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    app.services.live.attachMedia({ kick: (id) => kicked.push(id), viewerCount: () => 7 });
    await signup(app, 'live_admin');
    creator = await signup(app, 'streamer');
    fan = await signup(app, 'fan');
    quiet = await signup(app, 'quiet_fan');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    await app.inject({ method: 'PUT', url: '/api/v1/users/streamer/follow', headers: fan.auth });
    await app.inject({ method: 'PUT', url: '/api/v1/users/streamer/follow', headers: quiet.auth });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/users/streamer/follow/notify',
      headers: quiet.auth,
      payload: { notify: false },
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const myRoom = async () => (await app.inject({ url: '/api/v1/me/room', headers: creator.auth })).json();
  const hooks = () => app.services.live.hooks;

  it('gives a creator a room with OBS settings, and viewers none', async () => {
    const room = await myRoom();
    expect(room.ingest.server).toBe('rtmp://localhost:1935/live');
    expect(room.ingest.streamKey).toMatch(/^live_[A-Za-z0-9]{27}$/);
    expect(room).toMatchObject({
      state: 'offline',
      session: null,
      followerCount: 2,
      creator: { handle: 'streamer' },
    });
    const denied = await app.inject({ url: '/api/v1/me/room', headers: fan.auth });
    expect(denied.statusCode).toBe(403);
    // The key is never part of the public room.
    expect((await app.inject('/api/v1/rooms/streamer')).body).not.toContain(room.ingest.streamKey);
  });

  it('sets title, topic and hashtags, refusing bad ones without change', async () => {
    const ok = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me/room',
      headers: creator.auth,
      payload: { title: 'Sunday pasta', topic: 'cooking', hashtags: ['#Pasta', 'italy', 'pasta'] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      title: 'Sunday pasta',
      topic: 'cooking',
      hashtags: ['pasta', 'italy'],
    });
    for (const payload of [
      { topic: 'crypto' },
      { hashtags: ['a b'] },
      { hashtags: Array(11).fill('x') },
      { title: 'x'.repeat(81) },
      {},
    ]) {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me/room',
        headers: creator.auth,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await myRoom()).title).toBe('Sunday pasta');
  });

  it('rejects unknown keys and other applications', async () => {
    expect(
      await hooks().authorizePublish({ app: 'live', name: 'live_nope', clientIp: '127.0.0.1' }),
    ).toBeNull();
    const key = (await myRoom()).ingest.streamKey;
    expect(await hooks().authorizePublish({ app: 'other', name: key, clientIp: '127.0.0.1' })).toBeNull();
    expect((await myRoom()).session).toBeNull();
  });

  it('goes LIVE, notifies opted-in followers, lists in the feed, then ends with a summary', async () => {
    const wentLive = Date.now();
    const key = (await myRoom()).ingest.streamKey;
    const auth = await hooks().authorizePublish({ app: 'live', name: key, clientIp: '203.0.113.9' });
    expect(auth).not.toBeNull();
    const streamId = auth!.streamId;
    // Authorized but no media yet: not in the feed, room still offline.
    expect((await app.inject('/api/v1/feed')).json().items).toEqual([]);
    expect(await hooks().authorizePublish({ app: 'live', name: key, clientIp: '198.51.100.1' })).toBeNull();

    await hooks().published(streamId, INFO);
    const room = (await app.inject('/api/v1/rooms/streamer')).json();
    expect(room.state).toBe('live');
    expect(room.session).toMatchObject({
      id: streamId,
      status: 'live',
      title: 'Sunday pasta',
      source: 'rtmp',
      flvUrl: `/live/${streamId}.flv`,
    });
    expect(room.session.video).toEqual({ codec: 'H264', width: 720, height: 1280, fps: 30 });

    // For You lists ranked rooms: going LIVE brings the ranking round forward to the worker's next poll.
    const feed = await eventually('the room ranked in For You', async () => {
      const page = (await app.inject('/api/v1/feed')).json();
      return page.items.length === 1 && page;
    });
    expect(feed.items[0]).toMatchObject({
      sessionId: streamId,
      title: 'Sunday pasta',
      viewerCount: 7,
      creator: { handle: 'streamer' },
    });
    expect(
      (await app.inject({ url: '/api/v1/feed?tab=following', headers: fan.auth })).json().items,
    ).toHaveLength(1);
    const stranger = await signup(app);
    expect(
      (await app.inject({ url: '/api/v1/feed?tab=following', headers: stranger.auth })).json().items,
    ).toHaveLength(0);
    expect((await app.inject('/api/v1/feed?tab=following')).statusCode).toBe(401);

    const fanNotes = (await app.inject({ url: '/api/v1/me/notifications', headers: fan.auth })).json();
    expect(fanNotes.unread).toBe(1);
    expect(fanNotes.items[0]).toMatchObject({
      kind: 'live_started',
      sessionId: streamId,
      actor: { handle: 'streamer' },
      readAt: null,
    });
    expect((await app.inject({ url: '/api/v1/me/notifications', headers: quiet.auth })).json().items).toEqual(
      [],
    );
    const following = (await app.inject({ url: '/api/v1/me/following', headers: fan.auth })).json();
    expect(following.users[0]).toMatchObject({ handle: 'streamer', live: true, notify: true });

    // A repeated "published" (ingest retry) neither re-notifies nor changes anything.
    await hooks().published(streamId, INFO);
    expect((await app.inject({ url: '/api/v1/me/notifications', headers: fan.auth })).json().unread).toBe(1);

    await hooks().unpublished(streamId, 'stopped');
    await hooks().unpublished(streamId, 'timeout');
    const after = (await app.inject('/api/v1/rooms/streamer')).json();
    expect(after.state).toBe('offline');
    expect(after.session).toMatchObject({ id: streamId, status: 'ended', endReason: 'stopped' });
    // Whole seconds from going LIVE to the first end, not the later 'timeout' nor anything else.
    expect(Number.isInteger(after.session.durationS)).toBe(true);
    expect(after.session.durationS).toBeGreaterThanOrEqual(0);
    expect(after.session.durationS).toBeLessThanOrEqual(Math.ceil((Date.now() - wentLive) / 1000));
    expect((await app.inject('/api/v1/feed')).json().items).toEqual([]);
  });

  it('starts a new session per broadcast, with browser streams marked as such', async () => {
    const key = (await myRoom()).ingest.streamKey;
    const auth = await hooks().authorizePublish({ app: 'live', name: `${key}~b7`, clientIp: '127.0.0.1' });
    expect(auth).not.toBeNull();
    await hooks().published(auth!.streamId, INFO);
    const room = (await app.inject('/api/v1/rooms/streamer')).json();
    expect(room.session).toMatchObject({ id: auth!.streamId, source: 'browser', status: 'live' });
    expect((await app.inject({ url: '/api/v1/me/notifications', headers: fan.auth })).json().unread).toBe(2);
  });

  it('regenerating the key cuts the stream using the old one and refuses that key afterwards', async () => {
    const before = await myRoom();
    const streamId = before.session.id;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/me/room/stream-key',
      headers: creator.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ingest.streamKey).not.toBe(before.ingest.streamKey);
    expect(kicked).toContain(streamId);
    expect(res.json().session).toMatchObject({ id: streamId, status: 'ended', endReason: 'key_regenerated' });
    expect(
      await hooks().authorizePublish({ app: 'live', name: before.ingest.streamKey, clientIp: '127.0.0.1' }),
    ).toBeNull();
  });

  it('refuses to publish for an account that is no longer a creator', async () => {
    const key = (await myRoom()).ingest.streamKey;
    const adminLogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'live_admin', password: 'correct horse battery' },
    });
    await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${creator.user.id}/role`,
      headers: { authorization: `Bearer ${adminLogin.json().token}` },
      payload: { role: 'viewer' },
    });
    expect(await hooks().authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' })).toBeNull();
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
  });

  it('ends sessions a previous run of this node left open', async () => {
    const key = (await myRoom()).ingest.streamKey;
    const auth = await hooks().authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' });
    await hooks().published(auth!.streamId, INFO);
    expect(await app.services.live.closeOrphanedSessions()).toBe(1);
    expect((await app.inject('/api/v1/rooms/streamer')).json()).toMatchObject({
      state: 'offline',
      session: { endReason: 'server_restart' },
    });
    expect(await app.services.live.closeOrphanedSessions()).toBe(0);
  });
});
