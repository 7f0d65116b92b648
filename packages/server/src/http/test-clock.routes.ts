import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TestClock } from '../clock.ts';
import { forbidden } from '../errors.ts';

const AdvanceBody = z.object({ advanceMs: z.number().int().min(0).max(86_400_000) }).strict();
const ClockView = z.object({ now: z.string() });

/**
 * `POST /api/v1/test/clock`: moves a test server's clock forward, so an end-to-end test of something
 * that takes minutes (a LIVE session's per-minute figures) does not wait for them. Registered only
 * with `TEST_CLOCK=on`, and only an admin may move it.
 */
export async function testClockRoutes(app: FastifyInstance, { clock }: { clock: TestClock }) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/test/clock',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['test'],
        summary: 'Move the test clock forward (TEST_CLOCK=on servers only)',
        body: AdvanceBody,
        response: { 200: ClockView },
      },
    },
    (request) => {
      if (request.actor?.role !== 'admin') throw forbidden();
      return { now: new Date(clock.advance(request.body.advanceMs)).toISOString() };
    },
  );
}
