import type { Feed, LiveCard } from '@onair/protocol';

/**
 * The pages of one feed as the viewer scrolls them. Kept apart from React so the rules (no card
 * twice, a stale answer never overwrites a newer list) are plain functions a test can hold.
 */
export interface FeedPages {
  /** null until the first page arrives. */
  items: LiveCard[] | null;
  /** The cursor of the next page; null at the end. */
  cursor: string | null;
  /** Pages shown so far. */
  pages: number;
}

export const EMPTY_FEED: FeedPages = { items: null, cursor: null, pages: 0 };

function unique(cards: readonly LiveCard[], skip: ReadonlySet<string> = new Set()): LiveCard[] {
  const seen = new Set(skip);
  const out: LiveCard[] = [];
  for (const card of cards) {
    if (seen.has(card.sessionId)) continue;
    seen.add(card.sessionId);
    out.push(card);
  }
  return out;
}

/**
 * The first page, fresh from the server. A periodic refresh replaces the list only while the viewer
 * is still on the first page: deeper down, the cards they are reading stay where they are.
 */
export function withFirstPage(state: FeedPages, feed: Feed): FeedPages {
  if (state.pages > 1) return state;
  return { items: unique(feed.items), cursor: feed.nextCursor ?? null, pages: 1 };
}

/**
 * The page that `after` asked for, appended. An answer to a cursor that is no longer the current
 * one (the list was refreshed meanwhile) is dropped, and a room already shown is never shown twice.
 */
export function withNextPage(state: FeedPages, after: string, feed: Feed): FeedPages {
  if (state.items === null || state.cursor !== after) return state;
  const shown = new Set(state.items.map((c) => c.sessionId));
  return {
    items: [...state.items, ...unique(feed.items, shown)],
    cursor: feed.nextCursor ?? null,
    pages: state.pages + 1,
  };
}
