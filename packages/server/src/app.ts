import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { API_PREFIX } from '@onair/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { authPlugin } from './http/auth.ts';
import { cspReportRoutes } from './http/csp-report.routes.ts';
import { clientErrorHandler, onFrameworkError, registerErrorHandlers } from './http/error-handler.ts';
import { healthRoutes } from './http/health.ts';
import { metricsPlugin } from './http/metrics.ts';
import { allowedOrigins } from './http/origin.ts';
import { rateLimitPlugin } from './http/rate-limit.ts';
import { securityHeaders } from './http/security-headers.ts';
import { testClockRoutes } from './http/test-clock.routes.ts';
import { webRoutes } from './http/web.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { battlesRoutes } from './modules/battles/battles.routes.ts';
import { chatRoutes } from './modules/chat/chat.routes.ts';
import { discoveryRoutes } from './modules/discovery/discovery.routes.ts';
import { economyRoutes } from './modules/economy/economy.routes.ts';
import { eventsRoutes } from './modules/events/events.routes.ts';
import { fanClubRoutes } from './modules/fanclub/fanclub.routes.ts';
import { leagueBadges } from './modules/leagues/league-badge.hook.ts';
import { leaguesRoutes } from './modules/leagues/leagues.routes.ts';
import { liveRoutes } from './modules/live/live.routes.ts';
import { pushRoutes } from './modules/push/push.routes.ts';
import { rewardsRoutes } from './modules/rewards/rewards.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { socialRoutes } from './modules/social/social.routes.ts';
import { captureSignal, captureViews } from './modules/studio/capture.ts';
import { studioRoutes } from './modules/studio/studio.routes.ts';
import { type Bus, createInProcessBus } from './realtime/bus.ts';
import { gatewayRoutes, websocketErrorHandler } from './realtime/gateway.ts';
import { createRoomHub, type RoomHub } from './realtime/room-hub.ts';
import { createServices, newNodeId, type Services } from './services.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  secretKey: string;
  redis?: Redis | undefined;
  /** Cross-node bus; in-process when absent. */
  bus?: Bus | undefined;
  /** Registers the media routes (ingest, playback, browser go-live) once the services exist. */
  media?: ((app: FastifyInstance, services: Services) => Promise<void>) | undefined;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function buildApp({
  config,
  db,
  logger,
  secretKey,
  redis,
  bus = createInProcessBus(),
  media,
}: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger and Fastify's logger interface differ only in typing.
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestIdHeader: false,
    // Accept a caller's request id only if it looks like one; otherwise mint our own.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    // Off unless configured: trusting every X-Forwarded-For let a client pick its own address, and with
    // it a fresh login rate limit per attempt.
    trustProxy: config.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: onFrameworkError,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandlers(app);
  // The API speaks JSON only; a text/plain POST (what an HTML form can send cross-site) gets a 415.
  app.removeContentTypeParser('text/plain');
  await app.register(securityHeaders, { publicUrl: config.publicUrl });

  const sessionTtlMs = config.SESSION_TTL_DAYS * 86_400_000;
  const services = createServices({ config, db, bus, logger, secretKey, redis });
  const roomHub = createRoomHub({
    bus,
    nodeId: newNodeId(),
    batchMs: config.ROOM_BATCH_MS,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    log: logger.child({ module: 'rooms' }),
    onEnded: (room, viewers) => services.live.recordPeakViewers(room, viewers.peak),
  });
  // View starts and ends for the studio: recorded as sockets attach to and detach from LIVE rooms.
  const hub = captureViews(
    roomHub,
    services.studio.recorder,
    async (sessionId) => (await services.live.chatContext(sessionId))?.live ?? false,
  );
  app.addHook('onClose', async () => hub.close());
  app.addHook('onClose', async () => services.studio.recorder.close());
  const { accounts } = services;

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'OnAir API', version: '0.1.0', description: 'The HTTP API of an OnAir server.' },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'onair_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 1024 * 1024 },
    errorHandler: websocketErrorHandler,
  });
  await app.register(authPlugin, {
    accounts,
    allowedOrigins: allowedOrigins(config.publicUrl, config.ALLOWED_ORIGINS),
  });
  await app.register(rateLimitPlugin, { limits: services.limits });
  await app.register(metricsPlugin, { token: config.METRICS_TOKEN });
  await app.register(healthRoutes, { db });
  await app.register(cspReportRoutes);
  await app.register(accountsRoutes, {
    prefix: API_PREFIX,
    accounts,
    sessionTtlMs,
    secureCookies: config.publicUrl.startsWith('https:'),
  });
  await app.register(socialRoutes, { prefix: API_PREFIX, social: services.social });
  await app.register(liveRoutes, { prefix: API_PREFIX, live: services.live });
  await app.register(gatewayRoutes, {
    prefix: API_PREFIX,
    bus,
    hub,
    chat: services.chat,
    gifts: services.economy.gifts,
    limits: services.limits,
    onSignal: captureSignal(services.studio.recorder),
  });
  await app.register(chatRoutes, { prefix: API_PREFIX, chat: services.chat });
  await app.register(economyRoutes, { prefix: API_PREFIX, economy: services.economy });
  await app.register(battlesRoutes, { prefix: API_PREFIX, battles: services.battles });
  app.addHook('onClose', () => services.battles.close());
  await app.register(studioRoutes, { prefix: API_PREFIX, studio: services.studio });
  await app.register(eventsRoutes, { prefix: API_PREFIX, events: services.liveEvents });
  await app.register(fanClubRoutes, { prefix: API_PREFIX, fanClub: services.fanClub });
  await app.register(searchRoutes, { prefix: API_PREFIX, search: services.search });
  await app.register(leaguesRoutes, { prefix: API_PREFIX, leagues: services.leagues });
  await app.register(pushRoutes, { prefix: API_PREFIX, push: services.push });
  leagueBadges(app, services.leagues);
  await app.register(rewardsRoutes, { prefix: API_PREFIX, rewards: services.rewards });
  if (services.testClock)
    await app.register(testClockRoutes, { prefix: API_PREFIX, clock: services.testClock });
  if (media) await media(app, services);
  await app.register(webRoutes, {
    dist: path.resolve(config.WEB_DIST ?? DEFAULT_WEB_DIST),
    shareCards: services.shareCards,
  });

  await app.register(discoveryRoutes, { prefix: API_PREFIX, discovery: services.discovery });
  // Durable jobs run once every route and handler is up; stopped before the database closes.
  await services.discovery.start();
  await services.rewards.start();
  services.jobs.start();
  app.addHook('onClose', async () => {
    await services.jobs.stop();
    await services.push.close();
  });
  app.decorate('services', services);
  app.decorate('bus', bus);
  app.decorate('hub', hub);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    bus: Bus;
    hub: RoomHub;
  }
}
