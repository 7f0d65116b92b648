import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { createMedia, type Media } from './media/media.ts';
import { type Bus, createInProcessBus, createRedisBus } from './realtime/bus.ts';
import { resolveSecretKey } from './secret.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  database: DatabaseHandle;
  bus: Bus;
  media: Media | undefined;
  close(): Promise<void>;
}

export function openDatabase(config: Config, logger?: Logger): DatabaseHandle {
  return createDatabase({
    url: config.DATABASE_URL,
    dataDir: `${config.DATA_DIR}/pglite`,
    onIdleError: (err) => logger?.warn({ err }, 'an idle database connection failed; the pool replaces it'),
  });
}

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.LOG_LEVEL),
): Promise<RunningServer> {
  const database = openDatabase(config, logger);
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');

  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false })
    : undefined;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));

  const bus = redis ? createRedisBus(redis) : createInProcessBus();

  const secretKey = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);
  let media: Media | undefined;
  const app = await buildApp({
    config,
    db: database.db,
    logger,
    secretKey,
    redis,
    bus,
    media: async (instance, { live }) => {
      const m = createMedia({
        config,
        log: logger.child({ module: 'media' }),
        hooks: live.hooks,
        streamKeyFor: (userId) => live.streamKeyFor(userId),
        onThumbnail: (streamId) => live.onThumbnail(streamId),
      });
      live.attachMedia({
        kick: (id) => m.ingest.kick(id),
        viewerCount: (id) => Math.max(m.ingest.viewerCount(id), instance.hub.viewers(id).current),
      });
      await instance.register(m.routes.plugin, m.routes.options);
      media = m;
    },
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  if (config.ROLES.includes('media')) {
    // Streams this node was serving before a crash or restart have no publisher any more.
    await app.services.live.closeOrphanedSessions();
  }
  await media?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;

  const [users, admins] = await Promise.all([
    app.services.accounts.countUsers(),
    app.services.accounts.countAdmins(),
  ]);
  const banner = [
    `OnAir is up at ${url}  (database: ${database.dialect}${config.DATABASE_URL ? '' : ` in ${config.DATA_DIR}/pglite`}, bus: ${redis ? 'redis' : 'in-process'})`,
    `  API docs: ${url}/api/docs   health: ${url}/healthz   metrics: ${url}/metrics`,
    media?.ingest.port
      ? `  RTMP ingest: rtmp://${new URL(url).hostname}:${media.ingest.port}/live  (stream key from the Go LIVE page)`
      : '  RTMP ingest: off on this node (ROLES has no media)',
    admins === 0
      ? `  No admin yet: the first account to sign up at ${url}/signup becomes the admin.`
      : `  ${users} account(s).`,
  ];
  process.stdout.write(`${banner.join('\n')}\n`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Streams end first ('shutdown'), so their sessions are closed while the database is still open.
      await media?.stop();
      // In-flight requests get a few seconds; a client that stops reading its response would
      // otherwise hold the close (and the database, with gifts still to commit) until the hard exit.
      const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(cut);
      await bus.close();
      await redis?.quit().catch(() => redis.disconnect());
      await database.close();
    })();
    return closing;
  };
  return { app, url, database, bus, media, close };
}

const CLOSE_GRACE_MS = 3000;

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the database, exit. */
export function closeOnSignals(server: RunningServer, logger: Logger, graceMs = 10_000): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
