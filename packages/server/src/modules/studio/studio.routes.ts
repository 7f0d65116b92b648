import {
  IdParams,
  StudioAudience,
  StudioConsistency,
  StudioConsistencyQuery,
  StudioExportQuery,
  StudioHeatmap,
  StudioHeatmapQuery,
  StudioInsights,
  StudioInsightsQuery,
  StudioLive,
  StudioRangeQuery,
  StudioSessionDetail,
  StudioSessionList,
  StudioSessionsQuery,
  StudioTrends,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StudioService } from './studio.service.ts';

export async function studioRoutes(app: FastifyInstance, { studio }: { studio: StudioService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['studio'];

  r.get(
    '/studio/sessions',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your LIVE sessions with their key figures, newest first',
        querystring: StudioSessionsQuery,
        response: { 200: StudioSessionList },
      },
    },
    (request) => studio.list(request.actor, request.query),
  );
  r.get(
    '/studio/sessions/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Every figure of one of your sessions, with per-minute series',
        params: IdParams,
        response: { 200: StudioSessionDetail },
      },
    },
    (request) => studio.detail(request.actor, request.params.id),
  );
  r.get(
    '/studio/trends',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your sessions summed per day, week or month over a range (at most 400 days)',
        querystring: StudioRangeQuery,
        response: { 200: StudioTrends },
      },
    },
    (request) => studio.trends(request.actor, request.query),
  );
  r.get(
    '/studio/audience',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Regulars, returning and new viewers, supporters, sharers and your fan list',
        response: { 200: StudioAudience },
      },
    },
    (request) => studio.audience(request.actor),
  );
  r.get(
    '/studio/heatmap',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'When your followers watch LIVEs, per hour of the week (your local time)',
        querystring: StudioHeatmapQuery,
        response: { 200: StudioHeatmap },
      },
    },
    (request) => studio.heatmap(request.actor, request.query),
  );
  r.get(
    '/studio/consistency',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Weekly streak, LIVE days, scheduled events kept and the best time to schedule the next',
        querystring: StudioConsistencyQuery,
        response: { 200: StudioConsistency },
      },
    },
    (request) => studio.consistency(request.actor, request.query),
  );
  r.get(
    '/studio/insights',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Coaching: what your recent sessions say, and what to do about it',
        querystring: StudioInsightsQuery,
        response: { 200: StudioInsights },
      },
    },
    (request) => studio.insights(request.actor, request.query),
  );
  r.get(
    '/studio/live',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Live counters of your current LIVE (poll every few seconds)',
        response: { 200: StudioLive },
      },
    },
    (request) => studio.liveCounters(request.actor),
  );
  r.get(
    '/studio/export',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Any studio table as CSV (sessions, minutes, trends, fans, heatmap)',
        querystring: StudioExportQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { filename, body } = await studio.exportCsv(request.actor, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(body);
    },
  );
}
