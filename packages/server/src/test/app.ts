import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import webpush from 'web-push';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { Bus } from '../realtime/bus.ts';
import type { TestDatabaseHandle } from './databases.ts';

export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';
/** One VAPID pair per test process, so no test app writes a generated one into a DATA_DIR. */
export const TEST_VAPID = webpush.generateVAPIDKeys();

/** A full app on a test database, driven with app.inject (no port). */
export async function testApp(
  database: TestDatabaseHandle,
  env: Record<string, string> = {},
  redis?: Redis,
  bus?: Bus,
  /** Where the app logs; silent unless a test reads what it logs. */
  logger: Logger = pino({ level: 'silent' }),
): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIST: '/nonexistent',
    LOGIN_RATE_LIMIT: '1000',
    TOKEN_RATE_LIMIT: '10000',
    GIFT_RATE_PER_S: '10000',
    // Tests post faster than people; the limits themselves are tested with their own settings.
    CHAT_BURST: '1000',
    CHAT_RATE_PER_S: '1000',
    VAPID_PUBLIC_KEY: TEST_VAPID.publicKey,
    VAPID_PRIVATE_KEY: TEST_VAPID.privateKey,
    ...env,
  });
  const app = await buildApp({ config, db: database.db, logger, secretKey: TEST_SECRET, redis, bus });
  await app.ready();
  return app;
}

let counter = 0;
/** A unique valid handle per call, so tests never collide within a database. */
export function handle(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 6)}`;
}

/** Signs up through the API and returns the bearer token and user. */
export async function signup(app: FastifyInstance, h = handle(), password = 'correct horse battery') {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup?token=true',
    payload: { handle: h, password },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { user: { id: string; handle: string; role: string }; token: string };
  return { ...body, password, auth: { authorization: `Bearer ${body.token}` } };
}

/** A minimal built web app (index.html + one asset) for tests of the static/SPA routes. */
export async function fakeWebDist(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onair-web-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>OnAir</title><div id="root"></div>');
  await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("onair")');
  return dir;
}
