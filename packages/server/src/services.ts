import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createLiveService } from './modules/live/live.service.ts';
import { createSocialService } from './modules/social/social.service.ts';
import type { Bus } from './realtime/bus.ts';

export interface ServiceDeps {
  config: Config;
  db: Db;
  bus: Bus;
  logger: Logger;
  secretKey: string;
}

/** Every domain service, wired with explicit dependencies (no container, no hidden globals). */
export function createServices({ config, db, bus, logger, secretKey }: ServiceDeps) {
  const accounts = createAccountsService({
    db,
    secretKey,
    sessionTtlMs: config.SESSION_TTL_DAYS * 86_400_000,
    log: logger.child({ module: 'accounts' }),
  });
  const social = createSocialService({ db, accounts, bus, log: logger.child({ module: 'social' }) });
  const ingestHost = new URL(config.publicUrl).hostname;
  const live = createLiveService({
    db,
    accounts,
    social,
    bus,
    log: logger.child({ module: 'live' }),
    ingestServerUrl: `rtmp://${ingestHost}:${config.RTMP_PORT}/live`,
    ingestNode: `${hostname()}:${config.RTMP_PORT}`,
  });
  return { accounts, social, live };
}

export type Services = ReturnType<typeof createServices>;
