import { randomBytes } from 'node:crypto';
import { OnAirClient } from '@onair/sdk';
import {
  eventually,
  pushTestPattern,
  resolveFfmpeg,
  type SpawnedServer,
  spawnServer,
  type TestPattern,
} from '@onair/server/testing';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface SharedBackends {
  databaseUrl: string;
  redisUrl: string;
}

export interface OnAirRoom {
  servers: SpawnedServer[];
  /** ws://…/api/v1/ws of each node. */
  wsUrls: string[];
  room: string;
  /** Bearer tokens of the signed-in publishers. */
  tokens: string[];
  pids: number[];
  describe: string;
  stop(): Promise<void>;
}

export interface OnAirOptions {
  nodes: 1 | 2;
  /** Postgres + Redis shared by the nodes (required for two nodes). */
  shared?: SharedBackends;
  publishers: number;
  env?: Record<string, string>;
  log(message: string): void;
}

/** A fresh schema in the shared Postgres, named in the URL the servers get (`options=-c search_path=…`). */
async function freshSchema(databaseUrl: string) {
  const schema = `bench_fanout_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // Check that pg honours the option in the URL, or the servers would write into the public schema.
  const check = new pg.Client({ connectionString: url.toString() });
  await check.connect();
  try {
    const { rows } = await check.query<{ search_path: string }>('show search_path');
    if (rows[0]?.search_path !== schema) {
      throw new Error(`pg ignored search_path in the URL (got "${rows[0]?.search_path}")`);
    }
  } finally {
    await check.end();
  }
  return {
    url: url.toString(),
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * One LIVE room on real `onair serve` processes: a creator (the first account, admin) publishes a
 * tiny test pattern over RTMP to node A so the room is LIVE, and `publishers` more accounts are signed
 * up to comment. One node: embedded PGlite and the in-process bus. Two nodes: a fresh schema in the
 * shared Postgres and the Redis bus, one secret key. Everything is stopped again by `stop()` (and on
 * a failure during setup).
 */
export async function startOnAirRoom(options: OnAirOptions): Promise<OnAirRoom> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const env: Record<string, string> = {
      WEB_DIST: '/nonexistent',
      HLS: 'off',
      THUMBNAIL_INTERVAL_S: '3600',
      // The publishers must not be the limit: per-user chat rate as high as the config allows.
      CHAT_RATE_PER_S: '1000',
      CHAT_BURST: '10000',
      LOGIN_RATE_LIMIT: '10000',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    let describe = 'embedded PGlite, in-process bus';
    if (options.nodes === 2) {
      if (!options.shared) throw new Error('two nodes need a shared Postgres and Redis');
      const schema = await freshSchema(options.shared.databaseUrl);
      cleanups.push(() => schema.drop());
      env.DATABASE_URL = schema.url;
      env.REDIS_URL = options.shared.redisUrl;
      env.SECRET_KEY = randomBytes(32).toString('hex');
      describe = `Postgres schema ${schema.schema}, Redis bus`;
    }
    const servers: SpawnedServer[] = [];
    // One after the other: the first one migrates the fresh schema.
    for (let i = 0; i < options.nodes; i++) {
      const server = await spawnServer(env);
      cleanups.push(() => server.stop());
      servers.push(server);
    }
    const a = servers[0]!;
    options.log(
      `onair serve ×${options.nodes} at ${servers.map((s) => s.url).join(', ')} (${describe}, ROOM_BATCH_MS=${env.ROOM_BATCH_MS ?? 'default'})`,
    );

    const creator = new OnAirClient({ baseUrl: a.url });
    const handle = 'fanout_host';
    await creator.signup({ handle, password: 'bench-password' }, { bearer: true });
    const tokens = await Promise.all(
      Array.from({ length: options.publishers }, async (_, i) => {
        const c = new OnAirClient({ baseUrl: a.url });
        await c.signup({ handle: `fanout_pub_${i}`, password: 'bench-password' }, { bearer: true });
        return c.token!;
      }),
    );
    const { streamKey } = (await creator.myRoom()).ingest;
    const pattern: TestPattern = pushTestPattern({
      ffmpegPath: resolveFfmpeg(),
      rtmpUrl: `${a.rtmpUrl}/${streamKey}`,
      width: 160,
      height: 90,
      fps: 5,
      audio: false,
      videoKbps: 100,
    });
    cleanups.push(() => pattern.stop());
    const room = await eventually(
      'LIVE room',
      async () => {
        const r = await creator.room(handle);
        return r.state === 'live' ? r.session?.id : undefined;
      },
      { timeoutMs: 30_000, everyMs: 100 },
    );
    options.log(`room ${room} is LIVE (a 160x90 test pattern over RTMP to node A)`);
    if (options.nodes === 2) {
      const redisUrl = options.shared!.redisUrl;
      // The room's seq and replay log live in Redis for 12 h: remove them rather than leave them behind.
      cleanups.splice(1, 0, async () => {
        const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await redis.connect();
          await redis.del(`onair:room:${room}:seq`, `onair:room:${room}:log`);
        } finally {
          redis.disconnect();
        }
      });
    }
    return {
      servers,
      wsUrls: servers.map((s) => `${s.url.replace(/^http/, 'ws')}/api/v1/ws`),
      room,
      tokens,
      pids: servers.map((s) => s.child.pid!).filter(Boolean),
      describe,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
