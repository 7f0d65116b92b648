import { SearchResults, type SearchType, TagPage, TrendingTags } from '@onair/protocol';
import { queryString } from './http-client.ts';
import { StudioBattlesApi } from './studio-battles-api.ts';

/** Search, hashtag pages and trending hashtags. */
export class SearchApi extends StudioBattlesApi {
  /**
   * Creators, LIVE rooms, hashtags and upcoming events matching `q` (typos forgiven). `type: 'all'`
   * gives the first few of each group; a single type pages with the group's `nextCursor`.
   */
  search(q: string, opts: { type?: SearchType; limit?: number; cursor?: string | undefined } = {}) {
    return this.request('GET', `/search${queryString({ q, ...opts })}`, SearchResults);
  }

  /** A hashtag (with or without `#`): rooms LIVE with it now, upcoming events, its top creators. */
  tag(tag: string) {
    return this.request('GET', `/tags/${encodeURIComponent(tag)}`, TagPage);
  }

  /** Hashtags by engagement in LIVE rooms over the last hour. */
  trendingTags(limit = 10) {
    return this.request('GET', `/tags/trending${queryString({ limit })}`, TrendingTags);
  }
}
