import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { seedPushAudience } from '@onair/server/testing';
import { sql } from 'kysely';
import { createDatabase } from '../../../packages/server/src/db/database.ts';
import { migrateToLatest } from '../../../packages/server/src/db/migrate.ts';
import { benchApp } from '../bench-server.ts';
import { startReceiver } from '../push/receiver-process.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { percentile, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const STREAM = { videoCodec: 'H264', audioCodec: 'AAC', width: 720, height: 1280, fps: 30 } as const;
/** Smaller creators whose go-lives are timed, idle and while the big fan-out is being sent. */
const PROBES = 11;
const PROBE_FOLLOWERS = 1_000;

/**
 * Web Push fan-out: a creator whose followers hold 100,000 subscribed devices (10,000 with --quick)
 * goes LIVE on a server running its worker in this process; the push service is a loopback one in
 * a child process (every 100th request checked in full). Measured: pushes accepted per second from
 * the go-live to the last one, devices never reached, and what the fan-out adds to other creators'
 * go-lives on the same node (median go-live while it sends, minus the median idle).
 */
export const push: Scenario = {
  name: 'push',
  description: 'Web Push: fan a go-live out to 100,000 devices; pushes/s, lost, go-live delay added',
  async run({ quick, log }) {
    const devicesN = quick ? 10_000 : 100_000;
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    log(`database: ${database}; ${cpus().length} CPUs; ${devicesN.toLocaleString()} devices`);
    const receiver = await startReceiver();
    const { url, drop } = await scratchDatabase('push');
    const handle = createDatabase({
      url,
      poolSize: 8,
      dataDir: mkdtempSync(path.join(tmpdir(), 'onair-bench-')),
    });
    try {
      await migrateToLatest(handle.db);
      const { app } = await benchApp(handle.db, {
        ROLES: 'api,gateway,worker',
        JOBS_POLL_MS: '20',
        LOGIN_RATE_LIMIT: '10000',
        PUSH_ALLOW_PRIVATE: 'on',
        // The big creator and the probes share followers; none of their pushes is held back by the cap.
        PUSH_MAX_PER_HOUR: '100',
        RANKING_INTERVAL_MS: '600000',
        ...(url ? { DATABASE_URL: url } : {}),
      });
      const { live } = app.services;
      const creator = async (name: string) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/signup?token=true',
          payload: { handle: name, password: 'password123' },
        });
        const { user, token } = res.json() as { user: { id: string }; token: string };
        await app.inject({
          method: 'POST',
          url: '/api/v1/me/creator',
          headers: { authorization: `Bearer ${token}` },
        });
        return user.id;
      };
      const goLive = async (creatorId: string) => {
        const key = await live.streamKeyFor(creatorId);
        const auth = await live.hooks.authorizePublish({ app: 'live', name: key!, clientIp: '127.0.0.1' });
        const t0 = performance.now();
        await live.hooks.published(auth!.streamId, STREAM);
        return performance.now() - t0;
      };

      const seedStart = performance.now();
      await creator('bench_admin');
      const star = await creator('push_star');
      const subs = await receiver.subscribe(devicesN);
      await seedPushAudience(handle.db, {
        creatorId: star,
        prefix: 'pf',
        followers: devicesN,
        devices: subs,
      });
      const probes: string[] = [];
      for (let i = 0; i < 2 * PROBES; i++) {
        const id = await creator(`push_probe_${i}`);
        probes.push(id);
        // Followers without devices: the go-live stores their notifications and schedules a fan-out.
        await seedPushAudience(handle.db, {
          creatorId: id,
          prefix: `pp${i}_`,
          followers: PROBE_FOLLOWERS,
          devices: [],
        });
      }
      await sql`vacuum analyze`.execute(handle.db).catch(() => undefined);
      log(`seeded in ${round((performance.now() - seedStart) / 1000, 1)} s`);

      const idle: number[] = [];
      for (const id of probes.slice(0, PROBES)) idle.push(await goLive(id));

      const start = performance.now();
      const starGoLiveMs = await goLive(star);
      const busy: number[] = [];
      let fanoutMs: number | null = null;
      let last = await receiver.totals();
      let lastProgress = performance.now();
      const probesLeft = probes.slice(PROBES);
      while (last.reached < devicesN && performance.now() - lastProgress < 30_000) {
        await delay(100);
        if (fanoutMs === null) {
          const queued = await sql<{ n: number }>`select count(*)::int as n from push_deliveries`.execute(
            handle.db,
          );
          if (Number(queued.rows[0]?.n) >= devicesN) fanoutMs = performance.now() - start;
        }
        // The other creators go LIVE while the pushes are on their way.
        if (fanoutMs !== null && probesLeft.length > 0 && last.accepted > devicesN * 0.1)
          busy.push(await goLive(probesLeft.shift()!));
        const now = await receiver.totals();
        if (now.accepted > last.accepted) lastProgress = performance.now();
        if (Math.floor(now.accepted / (devicesN / 10)) > Math.floor(last.accepted / (devicesN / 10)))
          log(
            `  ${now.accepted.toLocaleString()} pushes accepted after ${round((performance.now() - start) / 1000, 1)} s`,
          );
        last = now;
      }
      const elapsedMs = performance.now() - start;
      const sentPerSec = round(last.accepted / (elapsedMs / 1000), 0);
      const idleMs = percentile(idle, 50);
      const busyMs = busy.length > 0 ? percentile(busy, 50) : idleMs;
      await app.close();
      return {
        devices: devicesN,
        sentPerSec,
        lost: devicesN - last.reached,
        goLiveDelayMs: round(busyMs - idleMs, 1),
        database,
        accepted: last.accepted,
        rejections: last.rejections.length,
        elapsedMs: round(elapsedMs, 0),
        fanoutMs: fanoutMs === null ? null : round(fanoutMs, 0),
        goLive: {
          idleMedianMs: round(idleMs, 1),
          duringSendMedianMs: round(busyMs, 1),
          duringSendSamples: busy.length,
          starMs: round(starGoLiveMs, 1),
        },
      };
    } finally {
      await handle.close();
      await drop();
      await receiver.close();
    }
  },
};
