import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, loadConfig } from '@onair/server';
import { sql } from 'kysely';
import pino from 'pino';
import { createDatabase } from '../../../packages/server/src/db/database.ts';
import { migrateToLatest } from '../../../packages/server/src/db/migrate.ts';
import { createMetricsRecorder } from '../../../packages/server/src/modules/studio/recorder.ts';
import { rng } from '../load.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { percentile, progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const HOUR = 3_600_000;

// Event kinds, as the studio stores them (packages/core/src/metrics/events.ts).
const VIEW_START = 1;
const VIEW_END = 2;
const COMMENT = 3;
const HEART = 4;
const SHARE = 5;
const FOLLOW = 6;
// Gifts (7) are not captured: the studio reads them from the economy's gift rows.

/**
 * Studio metrics at scale: N synthetic view/engagement events over 1,000 one-hour sessions of 10
 * creators, appended through the studio's own batching recorder (multi-row `unnest` INSERTs); then
 * every session is rolled up, and the session-detail endpoint is timed over HTTP (app.inject).
 */
export const metrics: Scenario = {
  name: 'metrics',
  description: 'studio: ingest view/engagement events, roll up sessions, time the session-detail query',
  async run({ quick, log }) {
    const totalEvents = Number(process.env.BENCH_METRICS_EVENTS ?? (quick ? 1_000_000 : 10_000_000));
    const sessionsCount = 1000;
    const creatorsCount = 10;
    const perSession = Math.floor(totalEvents / sessionsCount);
    const loadBefore = loadavg().map((l) => round(l, 2));
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';

    const { url, drop: dropDatabase } = await scratchDatabase('metrics');
    const concurrency = database === 'postgres' ? Number(process.env.BENCH_METRICS_WRITERS ?? 4) : 1;
    log(
      `database: ${database} (${database === 'postgres' ? 'DATABASE_URL' : 'embedded, in memory'}); ${cpus().length} CPUs shared with the load generator; ${totalEvents.toLocaleString()} events over ${sessionsCount} sessions; ${concurrency} writer(s)`,
    );

    const handle = createDatabase({ url, poolSize: concurrency + 4 });
    try {
      await migrateToLatest(handle.db);
      const config = loadConfig({
        LOG_LEVEL: 'silent',
        WEB_DIST: '/nonexistent',
        // Generated keys (VAPID) go to a directory of the run's own, never the working directory.
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'onair-bench-')),
        LOGIN_RATE_LIMIT: '1000',
        ...(url ? { DATABASE_URL: url } : {}),
      });
      const app = await buildApp({
        config,
        db: handle.db,
        logger: pino({ level: 'silent' }),
        secretKey: randomBytes(32).toString('hex'),
      });
      await app.ready();

      // Creators, through the API (so they have rooms and tokens), then their sessions as rows.
      const creators: { id: string; token: string }[] = [];
      for (let i = 0; i < creatorsCount; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/signup?token=true',
          payload: { handle: `bench_creator_${i}`, password: 'password123' },
        });
        const { user, token } = res.json() as { user: { id: string }; token: string };
        const auth = { authorization: `Bearer ${token}` };
        await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: auth });
        await app.inject({ url: '/api/v1/me/room', headers: auth });
        creators.push({ id: user.id, token });
      }
      const random = rng(42);
      const now = Date.now();
      const sessions: { id: string; creator: number; start: number }[] = [];
      for (let i = 0; i < sessionsCount; i++) {
        const creator = i % creatorsCount;
        // Spread over the last 100 days at varied hours.
        const start = now - (1 + Math.floor(random() * 2400)) * HOUR;
        sessions.push({ id: randomUUID(), creator, start });
      }
      const col = <T>(f: (s: (typeof sessions)[number]) => T) => sessions.map(f);
      await sql`
        insert into live_sessions (id, creator_id, status, title, topic, hashtags, source, ingest_node, started_at, live_at, ended_at, end_reason)
        select id, creator, 'ended', 'Bench session', 'chat', '{}', 'rtmp', 'bench', to_timestamp(s / 1000.0),
               to_timestamp(s / 1000.0), to_timestamp(s / 1000.0 + 3600), 'stopped'
        from unnest(${col((s) => s.id)}::uuid[], ${col((s) => creators[s.creator]!.id)}::uuid[],
                    ${col((s) => s.start)}::float8[]) as u(id, creator, s)`.execute(handle.db);

      // A viewer pool shared by all creators, so sessions have returning viewers.
      const viewers = Array.from({ length: 20_000 }, () => randomUUID());
      const recorder = createMetricsRecorder({
        db: handle.db,
        log: pino({ level: 'warn' }),
        batchRows: 10_000,
        concurrency,
        flushMs: 50,
      });

      /** One session's events: each visit is a start and an end, with engagement in between. */
      const feed = (s: (typeof sessions)[number]) => {
        let n = 0;
        while (n < perSession) {
          const viewer = viewers[Math.floor(random() * (random() < 0.5 ? 2000 : viewers.length))]!;
          const from = s.start + Math.floor(random() * 55 * 60_000);
          const to = Math.min(s.start + HOUR, from + Math.floor(random() * 30 * 60_000));
          recorder.record(s.id, viewer, VIEW_START, from);
          n++;
          const actions = Math.min(perSession - n - 1, Math.floor(random() * 8));
          for (let a = 0; a < actions; a++) {
            const r = random();
            const kind = r < 0.5 ? HEART : r < 0.93 ? COMMENT : r < 0.97 ? SHARE : FOLLOW;
            recorder.record(
              s.id,
              viewer,
              kind as 3,
              from + Math.floor(random() * (to - from)),
              kind === HEART ? 1 + Math.floor(random() * 10) : 1,
            );
            n++;
          }
          if (n < perSession) {
            recorder.record(s.id, viewer, VIEW_END, to);
            n++;
          }
        }
        return n;
      };

      const ingestStart = performance.now();
      let ingested = 0;
      for (let i = 0; i < sessions.length; i++) {
        ingested += feed(sessions[i]!);
        // Backpressure for the generator only: the server's rooms never wait, they drop past a bound.
        while (recorder.stats().pending > 200_000) await sleep(1);
        progress('ingest', i + 1, sessions.length);
      }
      await recorder.drain();
      const ingestMs = performance.now() - ingestStart;
      const { written, dropped } = recorder.stats();
      if (dropped > 0 || written !== ingested) throw new Error(`ingest lost events: ${written}/${ingested}`);
      const ingestPerSec = Math.round(ingested / (ingestMs / 1000));
      log(
        `ingest: ${ingested.toLocaleString()} events in ${round(ingestMs / 1000, 1)} s → ${ingestPerSec.toLocaleString()} events/s`,
      );

      // Roll every session up, as the end of a LIVE does.
      const rollStart = performance.now();
      const ordered = [...sessions].sort((a, b) => a.start - b.start);
      for (let i = 0; i < ordered.length; i++) {
        await app.services.studio.sessionEnded(ordered[i]!.id);
        progress('rollups', i + 1, ordered.length);
      }
      const rollupMs = performance.now() - rollStart;
      log(`rollups: ${sessions.length} sessions in ${round(rollupMs / 1000, 1)} s`);

      // The studio's session-detail endpoint, over HTTP, for random sessions of each creator.
      const samples: number[] = [];
      const queries = quick ? 300 : 1000;
      for (let i = 0; i < queries; i++) {
        const s = sessions[Math.floor(random() * sessions.length)]!;
        const t = performance.now();
        const res = await app.inject({
          url: `/api/v1/studio/sessions/${s.id}`,
          headers: { authorization: `Bearer ${creators[s.creator]!.token}` },
        });
        samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`session detail answered ${res.statusCode}: ${res.body}`);
      }
      const sessionQueryP95Ms = round(percentile(samples, 95), 2);
      log(`session detail: p50 ${round(percentile(samples, 50), 2)} ms, p95 ${sessionQueryP95Ms} ms`);
      await app.close();
      return {
        events: ingested,
        ingestPerSec,
        sessionQueryP95Ms,
        sessionQueryP50Ms: round(percentile(samples, 50), 2),
        rollupsPerSec: round(sessions.length / (rollupMs / 1000), 1),
        sessions: sessions.length,
        database,
        writers: concurrency,
        batchRows: 10_000,
        cpus: cpus().length,
        loadBefore,
      };
    } finally {
      await handle.close().catch(() => undefined);
      await dropDatabase();
    }
  },
};
