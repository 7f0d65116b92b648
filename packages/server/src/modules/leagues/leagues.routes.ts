import { HandleParams, Leaderboard, LeaderboardQuery, LeagueView } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LeaguesService } from './leagues.service.ts';

export async function leaguesRoutes(app: FastifyInstance, { leagues }: { leagues: LeaguesService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['leagues'];

  r.get(
    '/leagues/me',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your league: tier, group standings now, history',
        response: { 200: LeagueView },
      },
    },
    (request) => leagues.mine(request.actor),
  );
  r.get(
    '/leagues/:handle',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's league: tier, group standings now, history",
        params: HandleParams,
        response: { 200: LeagueView },
      },
    },
    (request) => leagues.ofHandle(request.actor, request.params.handle),
  );
  r.get(
    '/rooms/:handle/leaderboard',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A room's top gifters today, this week or of all time",
        params: HandleParams,
        querystring: LeaderboardQuery,
        response: { 200: Leaderboard },
      },
    },
    (request) => leagues.leaderboard(request.actor, request.params.handle, request.query.window),
  );
}
