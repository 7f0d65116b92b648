import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, loadConfig, startServer } from '@onair/server';
import { freePort } from '@onair/server/testing';
import pino from 'pino';
import type { Db } from '../../packages/server/src/db/database.ts';

/**
 * The environment of a server a scenario runs, in-process or as a child: on the scenario's data
 * directory and scratch database, quiet, without the web build, and without the media role (sessions
 * the seeding node made LIVE are not ended by a media node elsewhere).
 */
export function benchServerEnv(
  dataDir: string,
  databaseUrl: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_DIST: '/nonexistent',
    ROLES: 'api,gateway,worker',
    ...extra,
  };
}

/** Starts a server in this process, with an RTMP port of its own. */
export async function startBenchServer(env: Record<string, string>) {
  return startServer(loadConfig({ ...env, RTMP_PORT: String(await freePort()) }));
}

/**
 * A quiet app on a scenario's database, driven in-process (`app.inject`, `app.services`), with
 * generated keys (VAPID) in a directory of the run's own, never the working directory.
 */
export async function benchApp(db: Db, env: Record<string, string>) {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIST: '/nonexistent',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'onair-bench-')),
    ...env,
  });
  const app = await buildApp({
    config,
    db,
    logger: pino({ level: 'silent' }),
    secretKey: randomBytes(32).toString('hex'),
  });
  await app.ready();
  return { app, config };
}
