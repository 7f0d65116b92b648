import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.ts';
import { signup, TEST_SECRET, TEST_VAPID, testApp } from '../../test/app.ts';
import { crashTargets } from '../../test/crash-targets.ts';
import { eventually } from '../../test/eventually.ts';
import { seedPushAudience } from '../../testing/push-audience.ts';
import { type Received, startPushService } from '../../testing/push-service.ts';
import { spawnServer } from '../../testing/spawn-server.ts';
import { goLive } from '../economy/testing.ts';

const FOLLOWERS = 20_000;
const DEVICES = 5_000;
/** Copies a killed node may have sent without recording: its requests in flight and its unwritten results. */
const UNRECORDED_AT_MOST = 4 * (32 + 20);

const all = await crashTargets('push-crash', 2);

/**
 * A creator with 20,000 followers, 5,000 of them with a device, goes LIVE. The go-live only
 * schedules the fan-out; a real `onair serve` then queues and sends the pushes and is SIGKILLed
 * partway; the next node sends the rest. Every device gets the push; a copy sent twice is one the
 * dead node had in flight, and carries the same tag and topic (the browser shows it once).
 */
describe.each(all)('a node killed while it sends a go-live to 5,000 devices, on $name', (target) => {
  afterAll(() => target.cleanup());

  it('another node delivers the rest, and every device is reached', { timeout: 240_000 }, async () => {
    const service = await startPushService();
    try {
      const devices = Array.from({ length: DEVICES }, () => service.subscribe());
      const seeded = target.open();
      await migrateToLatest(seeded.db);
      const seedApp = await testApp({ ...seeded, drop: () => seeded.close() }, { ROLES: 'api,gateway' });
      const creator = await signup(seedApp, 'push_crash_star');
      await seedPushAudience(seeded.db, {
        creatorId: creator.user.id,
        prefix: 'pcf',
        followers: FOLLOWERS,
        devices,
      });

      const sessionId = await goLive(seedApp, creator);
      // The go-live stored its 20,000 notifications and scheduled one fan-out job: nothing more.
      const queued = await seeded.db
        .selectFrom('jobs')
        .select(['kind', 'key'])
        .where('kind', 'like', 'push.%')
        .execute();
      expect(queued).toEqual([{ kind: 'push.fanout', key: `live:${sessionId}` }]);
      expect(await seeded.db.selectFrom('pushDeliveries').select('messageId').execute()).toEqual([]);
      await seedApp.close();
      await seeded.close();

      const env = {
        ...target.env,
        SECRET_KEY: TEST_SECRET,
        VAPID_PUBLIC_KEY: TEST_VAPID.publicKey,
        VAPID_PRIVATE_KEY: TEST_VAPID.privateKey,
        PUSH_ALLOW_PRIVATE: 'on',
        ROLES: 'api,gateway,worker',
        JOBS_POLL_MS: '50',
        LOG_LEVEL: 'error',
      };
      const first = await spawnServer(env, { keepDataDir: true });
      await eventually(
        'node A to send a fifth of the pushes',
        () => service.totals().accepted >= DEVICES / 5,
        {
          timeoutMs: 120_000,
        },
      );
      expect(await first.kill()).toBe('SIGKILL');
      const atKill = service.totals().accepted;
      expect(atKill).toBeLessThan(DEVICES);

      const second = await spawnServer(env, { keepDataDir: true });
      try {
        await eventually('node B to reach every device', () => service.totals().reached === DEVICES, {
          timeoutMs: 120_000,
        });
      } finally {
        await second.stop();
      }

      expect(service.rejections()).toEqual([]);
      const { accepted } = service.totals();
      expect(accepted - DEVICES).toBeLessThanOrEqual(UNRECORDED_AT_MOST);
      const twice = devices.filter((d) => service.count(d.id) > 1);
      for (const d of twice) {
        const [a, b] = service.received(d.id) as [Received, Received];
        expect(b.topic).toBe(a.topic);
        expect((b.payload as { tag: string }).tag).toBe((a.payload as { tag: string }).tag);
      }

      const after = target.open();
      try {
        const states = await after.db
          .selectFrom('pushDeliveries')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('state')
          .execute();
        expect(states.map((s) => [s.state, Number(s.n)])).toEqual([['sent', DEVICES]]);
        expect(
          await after.db.selectFrom('jobs').select('kind').where('kind', '=', 'push.send').execute(),
        ).toEqual([]);
      } finally {
        await after.close();
      }
    } finally {
      await service.close();
    }
  });
});
