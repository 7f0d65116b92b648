import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { type PushServiceStandIn, startPushService } from '../../testing/push-service.ts';
import { addDevice } from './push.test-helpers.ts';

/** Devices and settings through the API, and every way of asking for something wrong. */
describe.each(testDatabases())('Web Push devices and settings on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let strict: FastifyInstance;
  let service: PushServiceStandIn;

  beforeAll(async () => {
    database = await kind.create();
    service = await startPushService();
    app = await testApp(database, { ROLES: 'api,gateway,media', PUSH_ALLOW_PRIVATE: 'on' });
    // The same database behind a node with the default: private endpoints refused.
    strict = await testApp(database, { ROLES: 'api,gateway,media' });
    await signup(app, handle('admin'));
  });
  afterAll(async () => {
    await app?.close();
    await strict?.close();
    await service?.close();
    await database?.drop();
  });

  const devices = async (a: FastifyInstance, auth: { authorization: string }) =>
    (await a.inject({ url: '/api/v1/push/settings', headers: auth })).json().devices as {
      id: string;
      name: string;
    }[];

  it('serves the VAPID key to anyone, the same on every node', async () => {
    const key = (await app.inject('/api/v1/push/key')).json().publicKey as string;
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);
    expect((await strict.inject('/api/v1/push/key')).json().publicKey).toBeDefined();
  });

  it('adds a device once per endpoint, names it from the browser, and moves it when another user subscribes it', async () => {
    const ana = await signup(app);
    const ben = await signup(app);
    const sub = service.subscribe();
    const payload = { subscription: { endpoint: sub.endpoint, keys: sub.keys } };
    const ua =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/push/devices',
      headers: { ...ana.auth, 'user-agent': ua },
      payload,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ name: 'Chrome on Android', service: new URL(service.origin).host });
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/push/devices',
      headers: ana.auth,
      payload,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);

    const moved = await app.inject({
      method: 'POST',
      url: '/api/v1/push/devices',
      headers: ben.auth,
      payload,
    });
    expect(moved.statusCode).toBe(200);
    expect(await devices(app, ana.auth)).toEqual([]);
    expect((await devices(app, ben.auth)).map((d) => d.id)).toEqual([first.json().id]);
  });

  it('refuses malformed subscriptions and private endpoints, storing nothing', async () => {
    const user = await signup(app);
    const good = service.subscribe();
    const bad: [FastifyInstance, unknown, string][] = [
      [app, { endpoint: 'not a url', keys: good.keys }, 'push.bad_subscription'],
      [app, { endpoint: 'ftp://push.example/x', keys: good.keys }, 'push.bad_subscription'],
      [app, { endpoint: 'https://user:pw@push.example/x', keys: good.keys }, 'push.bad_subscription'],
      [
        app,
        { endpoint: good.endpoint, keys: { p256dh: 'AAAA', auth: good.keys.auth } },
        'push.bad_subscription',
      ],
      [
        app,
        { endpoint: good.endpoint, keys: { p256dh: good.keys.p256dh, auth: 'short' } },
        'push.bad_subscription',
      ],
      [
        app,
        { endpoint: good.endpoint, keys: { p256dh: `${good.keys.p256dh}!`, auth: good.keys.auth } },
        'push.bad_subscription',
      ],
      [app, { endpoint: good.endpoint, keys: good.keys, extra: 1 }, 'request.invalid'],
      [app, { endpoint: `https://x/${'a'.repeat(2100)}`, keys: good.keys }, 'request.invalid'],
      [app, { endpoint: 42, keys: good.keys }, 'request.invalid'],
      [strict, { endpoint: good.endpoint, keys: good.keys }, 'push.bad_subscription'],
      [strict, { endpoint: 'https://127.0.0.1/push/x', keys: good.keys }, 'push.private_endpoint'],
      [strict, { endpoint: 'https://10.1.2.3/push/x', keys: good.keys }, 'push.private_endpoint'],
      [strict, { endpoint: 'https://[::1]/push/x', keys: good.keys }, 'push.private_endpoint'],
      [strict, { endpoint: 'https://169.254.169.254/latest', keys: good.keys }, 'push.private_endpoint'],
      [strict, { endpoint: 'https://localhost/push/x', keys: good.keys }, 'push.private_endpoint'],
    ];
    for (const [node, subscription, code] of bad) {
      const res = await node.inject({
        method: 'POST',
        url: '/api/v1/push/devices',
        headers: user.auth,
        payload: { subscription },
      });
      expect(res.statusCode, JSON.stringify(subscription).slice(0, 80)).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
    const text = await app.inject({
      method: 'POST',
      url: '/api/v1/push/devices',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: '{"subscription":',
    });
    expect(text.json().error.code).toBe('request.malformed_json');
    expect(await devices(app, user.auth)).toEqual([]);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/v1/push/devices',
      payload: { subscription: good },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it("another user's device is not found for any action, and changes nothing", async () => {
    const owner = await signup(app);
    const other = await signup(app);
    const device = await addDevice(app, owner.auth, service.subscribe(), 'Mine');
    for (const [method, url, payload] of [
      ['PATCH', `/api/v1/push/devices/${device.id}`, { name: 'Yours now', kinds: { live: false } }],
      ['DELETE', `/api/v1/push/devices/${device.id}`, undefined],
      ['POST', `/api/v1/push/devices/${device.id}/test`, undefined],
    ] as const) {
      const res = await app.inject({ method, url, headers: other.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('push.device_not_found');
    }
    const malformed = await app.inject({
      method: 'DELETE',
      url: '/api/v1/push/devices/not-a-uuid',
      headers: owner.auth,
    });
    expect(malformed.statusCode).toBe(400);
    const [mine] = await devices(app, owner.auth);
    expect(mine).toMatchObject({
      id: device.id,
      name: 'Mine',
      kinds: { live: true, reminders: true, battles: true, money: true },
    });
  });

  it('edits a device, removes it, and limits test notifications to one per 30 s', async () => {
    const user = await signup(app);
    const device = await addDevice(app, user.auth, service.subscribe());
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/push/devices/${device.id}`,
      headers: user.auth,
      payload: { name: '  Kitchen tablet ', kinds: { money: false, battles: false } },
    });
    expect(renamed.json()).toMatchObject({
      name: 'Kitchen tablet',
      kinds: { live: true, reminders: true, battles: false, money: false },
    });
    for (const payload of [
      { name: '   ' },
      { kinds: { sms: true } },
      { kinds: { live: 'yes' } },
      { name: 'x'.repeat(81) },
    ]) {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/v1/push/devices/${device.id}`,
        headers: user.auth,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const first = await app.inject({
      method: 'POST',
      url: `/api/v1/push/devices/${device.id}/test`,
      headers: user.auth,
    });
    expect(first.statusCode).toBe(202);
    const flood = await app.inject({
      method: 'POST',
      url: `/api/v1/push/devices/${device.id}/test`,
      headers: user.auth,
    });
    expect(flood.statusCode).toBe(429);
    expect(flood.json().error.code).toBe('push.test_rate_limited');
    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/v1/push/devices/${device.id}`,
      headers: user.auth,
    });
    expect(gone.statusCode).toBe(204);
    expect(await devices(app, user.auth)).toEqual([]);
  });

  it('sets and clears quiet hours, refusing a zone that does not exist or an empty span', async () => {
    const user = await signup(app);
    const set = async (quietHours: unknown) =>
      app.inject({
        method: 'PATCH',
        url: '/api/v1/push/settings',
        headers: user.auth,
        payload: { quietHours },
      });
    expect((await set({ start: '22:30', end: '07:00', timeZone: 'Europe/Paris' })).json()).toMatchObject({
      quietHours: { start: '22:30', end: '07:00', timeZone: 'Europe/Paris' },
      maxPerHour: 4,
    });
    for (const [quietHours, code] of [
      [{ start: '22:30', end: '07:00', timeZone: 'Mars/Olympus' }, 'push.quiet_hours_invalid'],
      [{ start: '08:00', end: '08:00', timeZone: 'UTC' }, 'push.quiet_hours_invalid'],
      [{ start: '24:00', end: '07:00', timeZone: 'UTC' }, 'request.invalid'],
      [{ start: '7:00', end: '08:00', timeZone: 'UTC' }, 'request.invalid'],
    ] as const) {
      const res = await set(quietHours);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
    const kept = (await app.inject({ url: '/api/v1/push/settings', headers: user.auth })).json();
    expect(kept.quietHours).toEqual({ start: '22:30', end: '07:00', timeZone: 'Europe/Paris' });
    expect((await set(null)).json().quietHours).toBeNull();
  });
});
