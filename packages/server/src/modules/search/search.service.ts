import {
  Hashtag,
  type SearchQuery,
  type SearchResults,
  type SearchType,
  type TagPage,
  type TrendingTags,
} from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { upcomingEvents } from '../events/upcoming.read-model.ts';
import { searchCreators } from './creators.read-model.ts';
import {
  presentCreatorHit,
  presentEventCard,
  presentRoomCard,
  presentTopCreator,
} from './search.presenter.ts';
import {
  type Page,
  type SearchTerms,
  searchEvents,
  searchHashtags,
  searchRooms,
} from './search.read-model.ts';
import { hasLiveRankings, liveWithTag, topCreatorsOfTag, trendingTags } from './tags.read-model.ts';

export interface SearchDeps {
  db: Db;
  /** Epoch ms; the server's clock, so tests can move "the last hour" and "upcoming". */
  now: () => number;
  /** Viewers watching a LIVE session now, as the feed cards show them. */
  viewerCount: (sessionId: string) => number;
}

const DAY_MS = 86_400_000;
/** How far back "hashtags in use" and a tag's top creators look. */
const TAG_WINDOW_MS = 28 * DAY_MS;
const TRENDING_WINDOW_MS = 3_600_000;
const PER_GROUP_ALL = 5;
const PER_TYPE = 20;
/** Relevance pages past this are noise; a cursor beyond it is refused rather than scanned. */
const MAX_OFFSET = 500;
const MAX_QUERY_WORDS = 8;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * The query reduced to values that are only ever bound as parameters: LIKE patterns with their
 * wildcards escaped, and a tsquery assembled from letter/digit runs, so `&|!():*<>` and quotes in
 * the query are text to match, never syntax.
 */
export function searchTerms(q: string): SearchTerms {
  const lowered = q.trim().toLowerCase();
  // "@ana" and "#dance" name the handle and the tag; a lone "@" is searched as itself.
  const term = lowered.replace(/^[@#]+/, '') || lowered;
  const words = (term.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_QUERY_WORDS);
  const asTag = Hashtag.safeParse(term.replace(/\s+/g, ''));
  const tag = asTag.success ? asTag.data : null;
  return {
    term,
    prefix: `${escapeLike(term)}%`,
    tag,
    tagPrefix: tag === null ? null : `${escapeLike(tag)}%`,
    tsquery: words.length ? words.map((w) => `'${w}':*`).join(' & ') : null,
  };
}

export function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const offset = match ? Number(match[1]) : Number.NaN;
  if (!(offset >= 0 && offset <= MAX_OFFSET))
    throw new AppError('search.query_invalid', 400, 'Malformed cursor.', { field: 'cursor' });
  return offset;
}

/** A hashtag from a URL: `#Dance` and `dance` are one tag; anything else is a coded 400. */
export function normalizeTag(raw: string): string {
  const parsed = Hashtag.safeParse(raw);
  if (!parsed.success)
    throw new AppError('search.tag_invalid', 400, 'A hashtag is 1–30 letters, digits or "_".', { tag: raw });
  return parsed.data;
}

export function createSearchService({ db, now, viewerCount }: SearchDeps) {
  async function group<R, T>(
    rows: (page: Page) => Promise<R[]>,
    present: (row: R) => T,
    page: Page,
    paged: boolean,
  ): Promise<{ items: T[]; nextCursor: string | null }> {
    // One row more than shown tells whether another page exists.
    const found = await rows({ limit: page.limit + 1, offset: page.offset });
    const more = found.length > page.limit && paged && page.offset + page.limit < MAX_OFFSET;
    return {
      items: found.slice(0, page.limit).map(present),
      nextCursor: more ? encodeOffset(page.offset + page.limit) : null,
    };
  }

  return {
    async search(query: SearchQuery): Promise<SearchResults> {
      const t = searchTerms(query.q);
      const at = new Date(now());
      const single = query.type !== 'all';
      if (!single && query.cursor !== undefined)
        throw new AppError('search.query_invalid', 400, 'Paging needs a single type.', { field: 'cursor' });
      const page = {
        limit: query.limit ?? (single ? PER_TYPE : PER_GROUP_ALL),
        offset: decodeOffset(query.cursor),
      };
      const wants = (type: SearchType) => query.type === 'all' || query.type === type;
      const [creators, rooms, hashtags, events] = await Promise.all([
        wants('creators')
          ? group((p) => searchCreators(db, t, p), presentCreatorHit, page, single)
          : undefined,
        wants('rooms')
          ? group(
              (p) => searchRooms(db, t, p),
              (r) => presentRoomCard(r, viewerCount(r.sessionId)),
              page,
              single,
            )
          : undefined,
        wants('hashtags')
          ? group(
              (p) => searchHashtags(db, t, new Date(at.getTime() - TAG_WINDOW_MS), p),
              (h) => ({ tag: h.tag, uses: h.uses }),
              page,
              single,
            )
          : undefined,
        wants('events')
          ? group((p) => searchEvents(db, t, at, p), presentEventCard, page, single)
          : undefined,
      ]);
      return {
        q: query.q,
        type: query.type,
        ...(creators ? { creators } : {}),
        ...(rooms ? { rooms } : {}),
        ...(hashtags ? { hashtags } : {}),
        ...(events ? { events } : {}),
      };
    },

    async tag(raw: string): Promise<TagPage> {
      const tag = normalizeTag(raw);
      const at = new Date(now());
      const ranked = await hasLiveRankings(db);
      const [live, upcoming, top] = await Promise.all([
        liveWithTag(db, tag, { limit: 30, ranked }),
        upcomingEvents(db, { hashtag: tag, now: at, limit: 20 }),
        topCreatorsOfTag(db, tag, new Date(at.getTime() - TAG_WINDOW_MS), 10),
      ]);
      return {
        tag,
        live: live.map((r) => presentRoomCard(r, viewerCount(r.sessionId))),
        upcoming: upcoming.map(presentEventCard),
        topCreators: top.map(presentTopCreator),
      };
    },

    async trending(limit: number): Promise<TrendingTags> {
      const to = new Date(now());
      const rows = await trendingTags(db, { from: new Date(to.getTime() - TRENDING_WINDOW_MS), to }, limit);
      return {
        tags: rows.map((r) => ({
          tag: r.tag,
          engagement: r.comments + r.shares + r.gifts + r.hearts,
          comments: r.comments,
          shares: r.shares,
          gifts: r.gifts,
          hearts: r.hearts,
        })),
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
