import { StudioRewards } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RewardsService } from './rewards.service.ts';

export async function rewardsRoutes(app: FastifyInstance, { rewards }: { rewards: RewardsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/studio/rewards',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['studio'],
        summary: "LIVE Rewards: this week's missions with your progress, and every bonus paid, explained",
        response: { 200: StudioRewards },
      },
    },
    (request) => rewards.studio(request.actor),
  );
}
