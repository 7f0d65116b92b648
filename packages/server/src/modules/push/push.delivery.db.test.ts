import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { type PushServiceStandIn, startPushService } from '../../testing/push-service.ts';
import { goLive } from '../economy/testing.ts';
import { addDevice, drainJobs, follow } from './push.test-helpers.ts';

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * Pushes end to end: what the app queues is encrypted, signed and posted to a push service that
 * checks the VAPID token against the key it names and decrypts each body with the subscription's
 * own keys (the stand-in verifies every request; a bad one would be refused and counted).
 */
describe.each(testDatabases())('Web Push delivery on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let service: PushServiceStandIn;
  let publicKey: string;

  beforeAll(async () => {
    database = await kind.create();
    service = await startPushService();
    app = await testApp(database, {
      ROLES: 'api,gateway,media',
      PUSH_ALLOW_PRIVATE: 'on',
      PUSH_MAX_PER_HOUR: '2',
    });
    publicKey = (await app.inject('/api/v1/push/key')).json().publicKey;
    await signup(app, handle('admin'));
  });
  afterAll(async () => {
    await app?.close();
    await service?.close();
    await database?.drop();
  });

  it('a go-live reaches every device of each follower with alerts on, once, and only those', async () => {
    const creator = await signup(app, handle('ana'));
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    const [fan, muted, picky] = [await signup(app), await signup(app), await signup(app)];
    await follow(app, fan.auth, creator.user.handle);
    await follow(app, muted.auth, creator.user.handle, false);
    await follow(app, picky.auth, creator.user.handle);
    const phone = service.subscribe();
    const laptop = service.subscribe();
    const mutedPhone = service.subscribe();
    const pickyPhone = service.subscribe();
    await addDevice(app, fan.auth, phone, 'Pixel');
    await addDevice(app, fan.auth, laptop);
    await addDevice(app, muted.auth, mutedPhone);
    const picked = await addDevice(app, picky.auth, pickyPhone);
    const off = await app.inject({
      method: 'PATCH',
      url: `/api/v1/push/devices/${picked.id}`,
      headers: picky.auth,
      payload: { kinds: { live: false } },
    });
    expect(off.json().kinds).toEqual({ live: false, reminders: true, battles: true, money: true });

    const sessionId = await goLive(app, creator);
    await drainJobs(app);

    expect(service.rejections()).toEqual([]);
    for (const device of [phone, laptop]) {
      const got = service.received(device.id);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        vapidKey: publicKey,
        urgency: 'high',
        topic: expect.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
        payload: {
          kind: 'live',
          title: `${creator.user.handle} is LIVE`,
          url: `/@${creator.user.handle}/live`,
          tag: `live:${creator.user.id}`,
        },
      });
      expect(got[0]!.ttl).toBeGreaterThan(3_000);
    }
    expect(service.received(mutedPhone.id)).toEqual([]);
    expect(service.received(pickyPhone.id)).toEqual([]);

    const settings = (await app.inject({ url: '/api/v1/push/settings', headers: fan.auth })).json();
    expect(settings.devices.map((d: { lastSentAt: string | null }) => d.lastSentAt !== null)).toEqual([
      true,
      true,
    ]);
    // The same session's fan-out again (a job run twice, two nodes): nothing more is sent.
    await app.services.jobs.schedule('push.fanout', `live:${sessionId}`, Date.now() - 1, {
      creatorId: creator.user.id,
      sessionId,
    });
    await drainJobs(app);
    expect(service.count(phone.id)).toBe(1);
  });

  it('a device the push service says is gone (410) is removed', async () => {
    const user = await signup(app);
    const sub = service.subscribe();
    const device = await addDevice(app, user.auth, sub);
    service.expire(sub.id);
    const test = await app.inject({
      method: 'POST',
      url: `/api/v1/push/devices/${device.id}/test`,
      headers: user.auth,
    });
    expect(test.statusCode).toBe(202);
    await drainJobs(app);
    expect((await app.inject({ url: '/api/v1/push/settings', headers: user.auth })).json().devices).toEqual(
      [],
    );
  });

  it('quiet hours hold LIVE alerts back, and the hourly cap stops them after PUSH_MAX_PER_HOUR', async () => {
    const sleeper = await signup(app);
    const busy = await signup(app);
    const sleeperPhone = service.subscribe();
    const busyPhone = service.subscribe();
    await addDevice(app, sleeper.auth, sleeperPhone);
    await addDevice(app, busy.auth, busyPhone);
    const now = Date.now();
    const quiet = await app.inject({
      method: 'PATCH',
      url: '/api/v1/push/settings',
      headers: sleeper.auth,
      payload: { quietHours: { start: hhmm(now - 3_600_000), end: hhmm(now + 3_600_000), timeZone: 'UTC' } },
    });
    expect(quiet.json().quietHours).toMatchObject({ timeZone: 'UTC' });

    const creators = [await signup(app), await signup(app), await signup(app)];
    for (const c of creators) {
      await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: c.auth });
      await follow(app, sleeper.auth, c.user.handle);
      await follow(app, busy.auth, c.user.handle);
    }
    for (const c of creators) {
      await goLive(app, c);
      await drainJobs(app);
    }
    expect(service.received(sleeperPhone.id)).toEqual([]);
    expect(service.received(busyPhone.id).map((r) => (r.payload as { kind: string }).kind)).toEqual([
      'live',
      'live',
    ]);

    // Money is not held to the cap (nor is a battle invite): the payout still arrives.
    await app.services.events.emit('economy.withdrawal_paid', {
      withdrawalId: '00000000-0000-4000-8000-000000000001',
      userId: busy.user.id,
      netCents: 1234,
      currency: 'USD',
    });
    await drainJobs(app);
    expect(service.received(busyPhone.id).at(-1)?.payload).toMatchObject({
      kind: 'money',
      body: '$12.34 is on its way to you.',
      url: '/wallet/earnings',
    });
  });

  it('a battle invite reaches the invited creator', async () => {
    const [inviter, invitee] = [await signup(app), await signup(app)];
    const sub = service.subscribe();
    await addDevice(app, invitee.auth, sub);
    await app.services.events.emit('battles.invited', {
      battleId: '00000000-0000-4000-8000-000000000002',
      inviterId: inviter.user.id,
      inviteeId: invitee.user.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await drainJobs(app);
    expect(service.received(sub.id).map((r) => r.payload)).toMatchObject([
      { kind: 'battles', title: 'Battle invite', url: `/@${invitee.user.handle}/live` },
    ]);
  });

  it('a push service that is down is retried until it takes the push', async () => {
    const user = await signup(app);
    const sub = service.subscribe();
    const device = await addDevice(app, user.auth, sub);
    service.setDown(true);
    await app.inject({ method: 'POST', url: `/api/v1/push/devices/${device.id}/test`, headers: user.auth });
    expect(await app.services.jobs.runDue()).toBeGreaterThan(0);
    expect(service.count(sub.id)).toBe(0);
    service.setDown(false);
    // The retry is due after its backoff; move it to now rather than wait.
    await database.db
      .updateTable('jobs')
      .set({ runAt: new Date(Date.now() - 1) })
      .where('kind', '=', 'push.send')
      .execute();
    await drainJobs(app);
    expect(service.received(sub.id).map((r) => (r.payload as { kind: string }).kind)).toEqual(['test']);
  });
});
