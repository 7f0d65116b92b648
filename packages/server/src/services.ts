import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DEFAULT_FAN_CLUB_RULES } from '@onair/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createTestClock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { createDomainEvents } from './events/domain-events.ts';
import { createJobs } from './jobs/jobs.ts';
import { createRateLimits } from './limits/limits.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { battlesConfig, createBattlesService } from './modules/battles/battles.service.ts';
import { createChatService } from './modules/chat/chat.service.ts';
import { createDiscoveryService } from './modules/discovery/discovery.service.ts';
import { discoveryConfig } from './modules/discovery/ranking.config.ts';
import { createEconomyService, economyConfig } from './modules/economy/economy.service.ts';
import { giftWindow } from './modules/economy/gift-window.ts';
import { createLedger } from './modules/economy/ledger.ts';
import { createEventsService } from './modules/events/events.service.ts';
import { createFanDirectory } from './modules/fanclub/fan-directory.ts';
import { createFanMissions } from './modules/fanclub/fan-missions.ts';
import { createFanClubService } from './modules/fanclub/fanclub.service.ts';
import { leaguesConfig } from './modules/leagues/leagues.config.ts';
import { createLeaguesService } from './modules/leagues/leagues.service.ts';
import { createLiveService } from './modules/live/live.service.ts';
import { pushConfig } from './modules/push/push.config.ts';
import { createPushService } from './modules/push/push.service.ts';
import { rewardsConfig } from './modules/rewards/rewards.config.ts';
import { createRewardsService } from './modules/rewards/rewards.service.ts';
import { readModelInputs } from './modules/rewards/weekly-inputs.ts';
import { createSearchService } from './modules/search/search.service.ts';
import { createShareCards } from './modules/search/share-cards.ts';
import { createSocialService } from './modules/social/social.service.ts';
import { captureRoomLog } from './modules/studio/capture.ts';
import { createMetricsRecorder } from './modules/studio/recorder.ts';
import { createStudioService } from './modules/studio/studio.service.ts';
import type { Bus } from './realtime/bus.ts';
import { createInProcessRoomLog, createRedisRoomLog } from './realtime/room-log.ts';

export interface ServiceDeps {
  config: Config;
  db: Db;
  bus: Bus;
  logger: Logger;
  secretKey: string;
  redis?: Redis | undefined;
}

/** Every domain service, wired with explicit dependencies (no container, no hidden globals). */
/** A name for one app instance among the nodes sharing a bus (presence counts are per node). */
export const newNodeId = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export function createServices({ config, db, bus, logger, secretKey, redis }: ServiceDeps) {
  // A test server's clock can be moved forward (TEST_CLOCK=on); every other server reads the system's.
  const testClock = config.TEST_CLOCK === 'on' ? createTestClock() : null;
  const clock = testClock ?? systemClock;
  const limits = createRateLimits(config, redis);
  // Cross-module events (docs/ARCHITECTURE.md lists them): each listener subscribes as it is built,
  // so listeners of one event are called in the order their services are created below.
  const events = createDomainEvents({ log: logger.child({ module: 'events' }) });
  const accounts = createAccountsService({
    db,
    secretKey,
    sessionTtlMs: config.SESSION_TTL_DAYS * 86_400_000,
    log: logger.child({ module: 'accounts' }),
    bus,
    authCacheMs: config.AUTH_CACHE_MS,
    loginFailures: limits.loginFailuresByHandle,
  });
  const social = createSocialService({ db, accounts, bus, events, log: logger.child({ module: 'social' }) });
  const ingestHost = new URL(config.publicUrl).hostname;
  const live = createLiveService({
    db,
    accounts,
    social,
    bus,
    events,
    log: logger.child({ module: 'live' }),
    ingestServerUrl: `rtmp://${ingestHost}:${config.RTMP_PORT}/live`,
    ingestNode: `${hostname()}:${config.RTMP_PORT}`,
    now: () => new Date(clock.now()),
  });
  // Studio events are captured where they already flow (room log, gifts, the hub in app.ts).
  const metrics = createMetricsRecorder({ db, log: logger.child({ module: 'studio' }), now: clock.now });
  // Fan clubs: the chat reads badges and the fans-only switch from the directory; comments and shares
  // earn mission points through the room-log tap (the service itself is built once jobs exist).
  const fanDirectory = createFanDirectory({ db, bus });
  const fanMissions = createFanMissions({
    db,
    directory: fanDirectory,
    creatorOf: async (sessionId) => (await live.chatContext(sessionId))?.creatorId ?? null,
    rules: DEFAULT_FAN_CLUB_RULES,
    zone: config.FAN_CLUB_TIME_ZONE,
    log: logger.child({ module: 'fanclub' }),
    now: clock.now,
  });
  const roomLog = fanMissions.tapRoomLog(
    captureRoomLog(redis ? createRedisRoomLog(redis) : createInProcessRoomLog(bus), metrics),
  );
  const chat = createChatService({
    db,
    bus,
    events,
    accounts,
    live,
    log: roomLog,
    logger: logger.child({ module: 'chat' }),
    publicUrl: config.publicUrl,
    limits,
    writeBatchMs: 10,
    fans: {
      badgesOf: fanDirectory.badgesOf,
      fansOnly: fanDirectory.fansOnly,
      setFansOnly: (creatorId, on) => fanClub.setFansOnly(creatorId, on),
    },
  });
  const economy = createEconomyService({
    db,
    accounts,
    live,
    bus,
    events,
    log: logger.child({ module: 'economy' }),
    config: economyConfig(config),
    dbConnections: config.DATABASE_URL ? 10 : 1,
  });
  const studio = createStudioService({
    db,
    recorder: metrics,
    events,
    currentSessionOf: (creatorId) => live.currentSessionOf(creatorId),
    now: clock.now,
    log: logger.child({ module: 'studio' }),
    // Other nodes' viewers are recorded by their own recorders, flushed every 200 ms.
    settleMs: bus.kind === 'redis' ? 500 : 0,
  });
  const battleConfig = battlesConfig(config);
  // Durable jobs (battle deadlines, the ranking, event reminders): the worker loop runs on `worker`
  // nodes and is started by the app once every kind is registered. A test server's moved clock
  // moves the jobs too; otherwise "now" is the database's clock, one for every node.
  const jobs = createJobs({
    db,
    log: logger.child({ module: 'jobs' }),
    pollMs: config.JOBS_POLL_MS ?? battleConfig.tickMs,
    worker: battleConfig.worker,
    ...(testClock ? { clock: testClock.now } : {}),
  });
  const battles = createBattlesService({
    db,
    bus,
    log: logger.child({ module: 'battles' }),
    accounts,
    live,
    events,
    giftWindow,
    jobs,
    config: battleConfig,
  });
  const discovery = createDiscoveryService({
    db,
    live,
    jobs,
    events,
    config: discoveryConfig(config),
    secretKey,
    now: clock.now,
    log: logger.child({ module: 'discovery' }),
  });
  const search = createSearchService({
    db,
    now: clock.now,
    viewerCount: (sessionId) => live.viewerCount(sessionId),
  });
  const shareCards = createShareCards({ db, publicUrl: config.publicUrl });
  // Scheduled LIVEs: reminder and missed jobs on `jobs`, kept when the creator goes LIVE in the window.
  const liveEvents = createEventsService({
    db,
    accounts,
    social,
    jobs,
    events,
    log: logger.child({ module: 'events' }),
    now: clock.now,
    publicUrl: config.publicUrl,
  });
  // Fan clubs: joined by the club gift (economy.gift_committed), watch missions as jobs per LIVE.
  const fanClub = createFanClubService({
    db,
    directory: fanDirectory,
    missions: fanMissions,
    accounts,
    social,
    events,
    jobs,
    rules: DEFAULT_FAN_CLUB_RULES,
    watchCheckMs: config.FAN_WATCH_CHECK_MS,
    now: clock.now,
    log: logger.child({ module: 'fanclub' }),
  });
  // LIVE Rewards: per-LIVE and weekly bonuses from the rewards pool, as durable jobs; the weekly
  // missions read active fans and league progress through the fan clubs' and leagues' read models.
  const rewards = createRewardsService({
    db,
    ledger: createLedger(db),
    jobs,
    events,
    config: rewardsConfig(config),
    inputs: readModelInputs,
    now: clock.now,
    log: logger.child({ module: 'rewards' }),
  });
  // Leagues: joined at go-LIVE, periods settled by `league.settle` jobs, badges and top gifters.
  const leagues = createLeaguesService({
    db,
    accounts,
    jobs,
    events,
    roomLog,
    isLive: async (sessionId) => (await live.chatContext(sessionId))?.live ?? false,
    config: leaguesConfig(config),
    now: clock.now,
    log: logger.child({ module: 'leagues' }),
  });
  // Web Push: go-live and reminder notifications (social's channel), battle invites and payouts
  // (domain events), delivered by leased `push.send` jobs.
  const push = createPushService({
    db,
    jobs,
    events,
    notifications: social,
    config: pushConfig(config),
    log: logger.child({ module: 'push' }),
    now: clock.now,
  });
  return {
    events,
    accounts,
    social,
    live,
    chat,
    roomLog,
    economy,
    studio,
    battles,
    discovery,
    jobs,
    testClock,
    limits,
    search,
    shareCards,
    liveEvents,
    fanClub,
    fanMissions,
    rewards,
    leagues,
    push,
  };
}

export type Services = ReturnType<typeof createServices>;
