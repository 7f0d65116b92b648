import { SearchQuery, SearchResults, TagPage, TagParams, TrendingQuery, TrendingTags } from '@onair/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';
import type { SearchService } from './search.service.ts';

/**
 * A search the schema refuses gets search's own codes (a client shows "type something shorter"
 * differently from "no such filter"), with the same field paths `request.invalid` would carry.
 */
function searchInputError(err: FastifyError): AppError {
  const issues = (err.validation ?? []).map((v) => ({
    path: `query${v.instancePath.replaceAll('/', '.')}`,
    message: v.message ?? 'invalid',
  }));
  const onType = issues.length > 0 && issues.every((i) => i.path === 'query.type');
  return onType
    ? new AppError('search.type_invalid', 400, 'type is one of all, creators, rooms, hashtags, events.', {
        issues,
      })
    : new AppError('search.query_invalid', 400, 'Search for 1–100 characters of text.', { issues });
}

export async function searchRoutes(app: FastifyInstance, { search }: { search: SearchService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['search'];
  // Anonymous and cheap to send, each a few index scans: limited per address.
  const rateLimit = { limit: 'search', by: 'address' } as const;

  r.get(
    '/search',
    {
      config: { auth: 'public', rateLimit },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Creators, LIVE rooms, hashtags and upcoming events matching a query (typos forgiven)',
        querystring: SearchQuery,
        response: { 200: SearchResults },
      },
    },
    (request) => {
      if (request.validationError) throw searchInputError(request.validationError as FastifyError);
      return search.search(request.query);
    },
  );
  r.get(
    '/tags/trending',
    {
      config: { auth: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Hashtags by engagement in LIVE rooms over the last hour',
        querystring: TrendingQuery,
        response: { 200: TrendingTags },
      },
    },
    (request) => search.trending(request.query.limit),
  );
  r.get(
    '/tags/:tag',
    {
      config: { auth: 'public', rateLimit },
      schema: {
        tags,
        summary: 'A hashtag: rooms LIVE with it now, upcoming events, its top creators',
        params: TagParams,
        response: { 200: TagPage },
      },
    },
    (request) => search.tag(request.params.tag),
  );
}
