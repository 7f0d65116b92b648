import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

describe.each(testDatabases())('follows and notifications on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let ana: Awaited<ReturnType<typeof signup>>;
  let ben: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    ana = await signup(app, 'ana');
    ben = await signup(app, 'ben');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const follow = (method: 'PUT' | 'DELETE', handle: string, headers = ben.auth) =>
    app.inject({ method, url: `/api/v1/users/${handle}/follow`, headers });

  it('follows and unfollows idempotently, counting followers', async () => {
    expect((await follow('PUT', 'ana')).json()).toEqual({ following: true, notify: true, followerCount: 1 });
    expect((await follow('PUT', 'ANA')).json()).toEqual({ following: true, notify: true, followerCount: 1 });
    expect((await app.inject({ url: '/api/v1/users/ana/follow', headers: ben.auth })).json().following).toBe(
      true,
    );
    expect((await app.inject('/api/v1/users/ana/follow')).json()).toEqual({
      following: false,
      notify: false,
      followerCount: 1,
    });
    expect((await follow('DELETE', 'ana')).json()).toEqual({
      following: false,
      notify: false,
      followerCount: 0,
    });
    expect((await follow('DELETE', 'ana')).json().followerCount).toBe(0);
  });

  it('refuses following yourself, unknown people, and alerts for someone you do not follow', async () => {
    const self = await follow('PUT', 'ben');
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('social.self_follow');
    const unknown = await follow('PUT', 'nobody_at_all');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('user.not_found');
    const notify = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/ana/follow/notify',
      headers: ben.auth,
      payload: { notify: true },
    });
    expect(notify.statusCode).toBe(409);
    expect(notify.json().error.code).toBe('social.not_following');
    const badBody = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/ana/follow/notify',
      headers: ben.auth,
      payload: { notify: 'yes' },
    });
    expect(badBody.statusCode).toBe(400);
    expect((await app.inject('/api/v1/users/ana/follow')).json().followerCount).toBe(0);
  });

  it('pages notifications newest first, marks them read, and keeps them private', async () => {
    await follow('PUT', 'ana');
    const streams = [];
    // Each "go LIVE" here is a real session row, created through the live domain's publish hooks.
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: ana.auth });
    const key = (await app.inject({ url: '/api/v1/me/room', headers: ana.auth })).json().ingest.streamKey;
    for (let i = 0; i < 3; i++) {
      const { streamId } = (await app.services.live.hooks.authorizePublish({
        app: 'live',
        name: key,
        clientIp: '127.0.0.1',
      }))!;
      await app.services.live.hooks.published(streamId, {
        videoCodec: null,
        audioCodec: null,
        width: null,
        height: null,
        fps: null,
      });
      await app.services.live.hooks.unpublished(streamId, 'stopped');
      streams.push(streamId);
    }
    const first = (await app.inject({ url: '/api/v1/me/notifications?limit=2', headers: ben.auth })).json();
    expect(first.unread).toBe(3);
    expect(first.items.map((n: { sessionId: string }) => n.sessionId)).toEqual([streams[2], streams[1]]);
    const second = (
      await app.inject({
        url: `/api/v1/me/notifications?limit=2&cursor=${first.nextCursor}`,
        headers: ben.auth,
      })
    ).json();
    expect(second.items.map((n: { sessionId: string }) => n.sessionId)).toEqual([streams[0]]);
    expect(second.nextCursor).toBeNull();

    // Ana cannot mark Ben's notifications read: ids are scoped to the caller.
    await app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read',
      headers: ana.auth,
      payload: { ids: [first.items[0].id] },
    });
    expect((await app.inject({ url: '/api/v1/me/notifications', headers: ben.auth })).json().unread).toBe(3);

    const one = await app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read',
      headers: ben.auth,
      payload: { ids: [first.items[0].id] },
    });
    expect(one.json()).toEqual({ unread: 2 });
    const all = await app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read',
      headers: ben.auth,
      payload: {},
    });
    expect(all.json()).toEqual({ unread: 0 });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read',
      headers: ben.auth,
      payload: { ids: ['x'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await app.inject({ url: '/api/v1/me/notifications?cursor=zzz', headers: ben.auth })).statusCode,
    ).toBe(400);
  });
});
