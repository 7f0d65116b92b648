import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
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
    // A hook on the routes that declare a limit only: every other request pays nothing for it.
    app.addHook('onRoute', (route) => {
      const declared = (route.config as { rateLimit?: RouteRateLimit } | undefined)?.rateLimit;
      if (!declared) return;
      const limiter = limits[declared.limit];
      const hook: onRequestAsyncHookHandler = async (request) => {
        const key = declared.by === 'user' ? (request.actor?.id ?? `ip:${request.ip}`) : request.ip;
        const wait = await limiter.take(key);
        if (wait > 0) throw tooMany('request.rate_limited', 'Too many attempts.', wait);
      };
      // After the route's own hooks (auth runs in a global onRequest, before these).
      route.onRequest = [route.onRequest ?? []].flat().concat(hook);
    });
  },
  { name: 'onair-rate-limit', dependencies: ['onair-auth'] },
);
