import { OnAirClient, OnAirError } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { type PushServiceStandIn, startPushService } from '../../testing/push-service.ts';
import { drainJobs } from './push.test-helpers.ts';

/** The SDK's push area over real HTTP: every answer parses with the protocol's schemas. */
describe.each(testDatabases())('push through the SDK on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let base: string;
  let service: PushServiceStandIn;

  beforeAll(async () => {
    database = await kind.create();
    service = await startPushService();
    app = await testApp(database, { ROLES: 'api,gateway,media', PUSH_ALLOW_PRIVATE: 'on' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await service?.close();
    await database?.drop();
  });

  it('adds a device, tunes it, tests it, sets quiet hours and removes it', async () => {
    const me = new OnAirClient({ baseUrl: base });
    await me.signup({ handle: 'sdk_pusher', password: 'password123' }, { bearer: true });
    const { publicKey } = await me.pushKey();
    const sub = service.subscribe();
    const device = await me.addPushDevice({
      subscription: { endpoint: sub.endpoint, keys: sub.keys },
      name: 'Tablet',
    });
    expect(device).toMatchObject({ name: 'Tablet', lastSentAt: null });
    expect((await me.updatePushDevice(device.id, { kinds: { reminders: false } })).kinds.reminders).toBe(
      false,
    );
    expect(await me.sendTestPush(device.id)).toEqual({ queued: true });
    const again = await me.sendTestPush(device.id).catch((e: unknown) => e);
    expect((again as OnAirError).code).toBe('push.test_rate_limited');
    await drainJobs(app);
    expect(service.received(sub.id).map((r) => [r.vapidKey, (r.payload as { kind: string }).kind])).toEqual([
      [publicKey, 'test'],
    ]);
    const quiet = await me.updatePushSettings({
      quietHours: { start: '23:00', end: '07:00', timeZone: 'Asia/Tokyo' },
    });
    expect(quiet.quietHours).toEqual({ start: '23:00', end: '07:00', timeZone: 'Asia/Tokyo' });
    await me.removePushDevice(device.id);
    expect((await me.pushSettings()).devices).toEqual([]);
    const missing = await me.removePushDevice(device.id).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OnAirError);
    expect((missing as OnAirError).status).toBe(404);
  });
});
