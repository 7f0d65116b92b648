import { Feed, FeedQuery, StudioRanking } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DiscoveryService } from './discovery.service.ts';

export async function discoveryRoutes(app: FastifyInstance, { discovery }: { discovery: DiscoveryService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['discovery'];

  r.get(
    '/feed',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Rooms LIVE now: For You (ranked, personal when signed in) or Following',
        querystring: FeedQuery,
        response: { 200: Feed },
      },
    },
    (request) => discovery.feed(request.actor, request.query),
  );
  r.get(
    '/studio/ranking',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Why am I ranked here: your place in For You, signal by signal, and what would lift it',
        response: { 200: StudioRanking },
      },
    },
    (request) => discovery.studioRanking(request.actor),
  );
}
