import { Health, Readiness } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Db, ping } from '../db/database.ts';

export async function healthRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Liveness: the process answers. Never touches dependencies, so a slow DB does not get us restarted.
  r.get(
    '/healthz',
    { config: { auth: 'public' }, schema: { tags: ['ops'], response: { 200: Health } } },
    async () => ({
      status: 'ok' as const,
    }),
  );
  // Readiness: may this node take traffic? Checks every dependency it needs.
  r.get(
    '/readyz',
    { config: { auth: 'public' }, schema: { tags: ['ops'], response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const checks: Record<string, 'ok' | 'failed'> = {};
      try {
        await Promise.race([
          ping(db),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
        ]);
        checks.database = 'ok';
      } catch {
        checks.database = 'failed';
      }
      const ready = Object.values(checks).every((c) => c === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
}
