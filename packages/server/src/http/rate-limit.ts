import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimits } from '../limits/limits.ts';
import { tooMany } from '../limits/rate-limits.ts';

/** A route's limit: which limiter, and whether its key is the client's address or the signed-in user. */
export interface RouteRateLimit {
  limit: keyof RateLimits;
  by: 'address' | 'user';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

/**
 * Applies `config.rateLimit` before a route does any work (after auth, so `by: 'user'` has a user).
 * The address is `request.ip`, which only believes X-Forwarded-For from the proxies TRUST_PROXY names.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, { limits }: { limits: RateLimits }) => {
    app.addHook('onRequest', async (request) => {
      const declared = request.routeOptions.config.rateLimit;
      if (!declared) return;
      const key = declared.by === 'user' ? (request.actor?.id ?? `ip:${request.ip}`) : request.ip;
      const wait = await limits[declared.limit].take(key);
      if (wait > 0) throw tooMany('request.rate_limited', 'Too many attempts.', wait);
    });
  },
  { name: 'onair-rate-limit', dependencies: ['onair-auth'] },
);
