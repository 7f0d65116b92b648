import {
  FanClubInfo,
  FanClubSettings,
  FanCsvQuery,
  FanList,
  FanListQuery,
  HandleParams,
  UpdateFanClubBody,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FanClubService } from './fanclub.service.ts';

/**
 * Fan-club routes. There is deliberately no route (and no WebSocket frame) that reports a mission:
 * points come only from what the server recorded itself (fan-missions.ts).
 */
export async function fanClubRoutes(app: FastifyInstance, { fanClub }: { fanClub: FanClubService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fanclub'];

  r.get(
    '/users/:handle/fan-club',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's fan club: badge, members, and your membership when signed in",
        params: HandleParams,
        response: { 200: FanClubInfo },
      },
    },
    (request) => fanClub.info(request.actor, request.params.handle),
  );
  r.get(
    '/me/fan-club',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "Your fan club's badge name and fans-only chat",
        response: { 200: FanClubSettings },
      },
    },
    (request) => fanClub.settings(request.actor),
  );
  r.patch(
    '/me/fan-club',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Set your fan club badge name (at most 8 characters) or fans-only chat',
        body: UpdateFanClubBody,
        response: { 200: FanClubSettings },
      },
    },
    (request) => fanClub.updateSettings(request.actor, request.body),
  );
  r.get(
    '/studio/fans',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your fan club members: level, points, active or lapsed, joined',
        querystring: FanListQuery,
        response: { 200: FanList },
      },
    },
    (request) => fanClub.fans(request.actor, request.query.limit),
  );
  r.get(
    '/studio/fans.csv',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Every fan club member as CSV',
        querystring: FanCsvQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { filename, body } = await fanClub.exportCsv(request.actor, request.query.columns);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(body);
    },
  );
}
