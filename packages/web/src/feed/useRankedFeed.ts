import type { Topic } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../app/api.ts';
import type { FeedTab } from '../components/FeedTabs.tsx';
import { errorMessage } from '../lib/errors.ts';
import { EMPTY_FEED, type FeedPages, withFirstPage, withNextPage } from './feedPages.ts';

/** Cards per request: fills 2, 3, 4 or 6 columns evenly. */
export const FEED_PAGE_SIZE = 24;

export interface RankedFeed extends FeedPages {
  /** The first page failed (and nothing is shown), or a refresh failed (the old list stays). */
  error: string | null;
  /** The last "more" failed; `loadMore` tries again. */
  moreError: string | null;
  loadingMore: boolean;
  /** Reloads the first page (ignored once the viewer has scrolled past it). */
  refresh: () => void;
  /** Appends the next page; does nothing while one is on its way or at the end. */
  loadMore: () => void;
}

/**
 * One tab of the LIVE feed, page by page along the server's `nextCursor` (For You is ranked, so an
 * offset would repeat rooms that fell and skip rooms that rose; the cursor carries what was shown).
 * Remount it (a React `key`) to switch tab or topic.
 */
export function useRankedFeed(tab: FeedTab, topic: Topic | undefined): RankedFeed {
  const [pages, setPages] = useState<FeedPages>(EMPTY_FEED);
  const [error, setError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // Read by loadMore without re-creating it on every page, and to refuse a second request in flight.
  const current = useRef(pages);
  current.current = pages;
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const refresh = useCallback(() => {
    if (current.current.pages > 1) return;
    api
      .feed(tab, FEED_PAGE_SIZE, { topic })
      .then((feed) => {
        if (!mounted.current) return;
        setPages((s) => withFirstPage(s, feed));
        setError(null);
      })
      .catch((err: unknown) => mounted.current && setError(errorMessage(err)));
  }, [tab, topic]);

  const loadMore = useCallback(() => {
    const after = current.current.cursor;
    if (after === null || inFlight.current) return;
    inFlight.current = true;
    setLoadingMore(true);
    api
      .feed(tab, FEED_PAGE_SIZE, { cursor: after, topic })
      .then((feed) => {
        if (!mounted.current) return;
        setPages((s) => withNextPage(s, after, feed));
        setMoreError(null);
      })
      .catch((err: unknown) => mounted.current && setMoreError(errorMessage(err)))
      .finally(() => {
        inFlight.current = false;
        if (mounted.current) setLoadingMore(false);
      });
  }, [tab, topic]);

  useEffect(refresh, [refresh]);

  return { ...pages, error, moreError, loadingMore, refresh, loadMore };
}
