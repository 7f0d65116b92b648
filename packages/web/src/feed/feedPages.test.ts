import type { Feed, LiveCard } from '@onair/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_FEED, withFirstPage, withNextPage } from './feedPages.ts';

const card = (id: string): LiveCard => ({
  sessionId: id,
  creator: {
    id: `u-${id}`,
    handle: `c${id}`,
    displayName: `C ${id}`,
    bio: '',
    avatarUrl: null,
    role: 'creator',
    createdAt: '2026-12-01T12:00:00.000Z',
  },
  title: '',
  topic: 'music',
  hashtags: [],
  liveAt: '2026-12-07T12:00:00.000Z',
  thumbnailUrl: null,
  viewerCount: 0,
  ranking: { position: Number(id), explore: false },
});
const page = (ids: string[], nextCursor: string | null): Feed => ({ items: ids.map(card), nextCursor });
const ids = (s: { items: LiveCard[] | null }) => s.items?.map((c) => c.sessionId) ?? null;

describe('feed pages', () => {
  it('appends the next page in order and follows its cursor to the end', () => {
    let s = withFirstPage(EMPTY_FEED, page(['1', '2'], 'a'));
    s = withNextPage(s, 'a', page(['3', '4'], 'b'));
    s = withNextPage(s, 'b', page(['5'], null));
    expect(ids(s)).toEqual(['1', '2', '3', '4', '5']);
    expect(s.cursor).toBeNull();
    expect(s.pages).toBe(3);
  });

  it('never shows a room twice, within a page or across pages', () => {
    let s = withFirstPage(EMPTY_FEED, page(['1', '2', '1'], 'a'));
    s = withNextPage(s, 'a', page(['2', '3', '3'], null));
    expect(ids(s)).toEqual(['1', '2', '3']);
  });

  it('drops a page asked for with a cursor the list no longer has', () => {
    let s = withFirstPage(EMPTY_FEED, page(['1'], 'a'));
    s = withFirstPage(s, page(['9', '1'], 'z'));
    const late = withNextPage(s, 'a', page(['2'], 'b'));
    expect(late).toBe(s);
    expect(ids(late)).toEqual(['9', '1']);
    expect(withNextPage(EMPTY_FEED, 'a', page(['2'], null))).toBe(EMPTY_FEED);
  });

  it('refreshes the first page but holds the list still once the viewer scrolled past it', () => {
    let s = withFirstPage(EMPTY_FEED, page(['1', '2'], 'a'));
    s = withFirstPage(s, page(['2', '1'], 'a2'));
    expect(ids(s)).toEqual(['2', '1']);
    expect(s.cursor).toBe('a2');
    s = withNextPage(s, 'a2', page(['3'], 'b'));
    expect(withFirstPage(s, page(['7'], 'x'))).toBe(s);
  });

  it('reads a feed without nextCursor (the Following tab) as one page that ends', () => {
    const s = withFirstPage(EMPTY_FEED, { items: [card('1')] });
    expect(s.cursor).toBeNull();
    expect(ids(s)).toEqual(['1']);
  });
});
