import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { AppError } from '../errors.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * /metrics names every route, node and queue depth: not for the public. With METRICS_TOKEN the
 * scraper sends it as a bearer token; without one only this machine may read it, and not through
 * a reverse proxy on this machine (a forwarded request is someone else's).
 */
function mayReadMetrics(request: FastifyRequest, token: string | undefined): boolean {
  if (!token) {
    const forwarded =
      request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    return !forwarded && LOOPBACK.test(request.socket.remoteAddress ?? '');
  }
  const given = Buffer.from(request.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** One registry per app instance, so tests can run several servers in one process. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, { token }: { token?: string | undefined }) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'onair_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    app.decorate('metrics', registry);

    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL: one series per route instead of one per user id.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
    });

    app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
      if (!mayReadMetrics(request, token)) {
        throw new AppError('auth.forbidden', 403, 'Metrics need the METRICS_TOKEN bearer token.');
      }
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'onair-metrics' },
);

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}
