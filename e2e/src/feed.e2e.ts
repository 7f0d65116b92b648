import { OnAirClient } from '@onair/sdk';
import { eventually, type SpawnedServer, spawnServer } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.ts';
import { type MultiPush, newCreator, pushToRooms, untilLive } from './creator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** More than the web app's page of 24, so the feed needs a second page. */
const ROOMS = 30;
const TOPICS = ['music', 'gaming', 'cooking', 'art', 'fitness', 'just_chatting'] as const;
const NEWCOMER = 'newbie';

/** The session ids of the cards on the page, in order. */
const shownSessions = (page: Page) =>
  page
    .getByTestId('live-card')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-session-id') ?? ''));

/** Every card picture on the screen has loaded (they load lazily, as they come near the screen). */
const picturesLoaded = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('img.live-card-thumb'))
      .filter((img) => {
        const box = img.getBoundingClientRect();
        return box.bottom > 0 && box.top < window.innerHeight;
      })
      .every((img) => img.complete),
  );

/**
 * Scrolls to the end of the feed the way a thumb does, a screen at a time, until the list has stopped
 * growing with nothing more to load (no "More" button, no page on its way); returns the session ids.
 */
async function scrollToEnd(page: Page): Promise<string[]> {
  return eventually(
    'the feed to reach its end',
    async () => {
      await page.mouse.wheel(0, 800);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const more = await page.getByTestId('feed-more').getByRole('button').count();
      const sessions = await shownSessions(page);
      return more === 0 && sessions.length >= ROOMS ? sessions : undefined;
    },
    { timeoutMs: 20_000, everyMs: 100 },
  );
}

/**
 * For You on a busy server: 30 rooms LIVE (each a real RTMP publish), 29 of their creators with a
 * follower and one newcomer with none. A visitor scrolls the feed on a phone and on a desktop: every
 * room comes exactly once over two pages, the feed then stops asking for more, and the newcomer's
 * card, given one of the page's exploration slots, says "New creator".
 */
describe('For You infinite scroll in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  const pushes: MultiPush[] = [];
  const sessions = new Map<string, string>();

  beforeAll(async () => {
    server = await spawnServer({
      // Thirty sign-ups from one address in a minute; no HLS packagers (nothing here plays HLS), and
      // one thumbnail per room (the first) rather than a grab of every room every 30 s.
      LOGIN_RATE_LIMIT: '1000',
      HLS: 'off',
      THUMBNAIL_INTERVAL_S: '3600',
      // One follower makes a creator established, so only the newcomer may take exploration slots.
      RANKING_NEWCOMER_FOLLOWERS: '1',
      // A round every half second rather than every 5 s: the test waits for the rooms, not the timer.
      RANKING_INTERVAL_MS: '500',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await browser?.close();
    await server?.stop();
  });

  it('shows every LIVE room once while scrolling, and marks the newcomer', async () => {
    const handles = Array.from({ length: ROOMS - 1 }, (_, i) => `creator${String(i + 1).padStart(2, '0')}`);
    handles.push(NEWCOMER);
    // Side by side: sign-up hashes the password slowly on purpose, and the server has threads for it.
    const creators = await Promise.all(
      handles.map((handle, i) => {
        const title = handle === NEWCOMER ? 'My very first LIVE' : `Room number ${i + 1}`;
        return newCreator(server, handle, { title, topic: TOPICS[i % TOPICS.length] });
      }),
    );
    // Followed before going LIVE, so the ranking's first count of followers is already right.
    const fan = new OnAirClient({ baseUrl: server.url });
    await fan.signup({ handle: 'fan', password: 'password123' }, { bearer: true });
    await Promise.all(handles.filter((h) => h !== NEWCOMER).map((h) => fan.follow(h)));

    // The newcomer goes LIVE first, so every other room is fresher and ranks above it: only an
    // exploration slot can bring it onto the first page (one that ranks high on its own gets no badge).
    const visitor = new OnAirClient({ baseUrl: server.url });
    const newcomer = creators.at(-1)!;
    pushes.push(pushToRooms(server, [newcomer.streamKey]));
    await untilLive(visitor, NEWCOMER);
    pushes.push(
      pushToRooms(
        server,
        creators.slice(0, -1).map((c) => c.streamKey),
      ),
    );
    const ranked = await eventually(
      `all ${ROOMS} rooms LIVE and ranked`,
      async () => {
        const feed = await visitor.feed('foryou', 60);
        return feed.items.length === ROOMS ? feed.items : undefined;
      },
      { timeoutMs: 45_000, everyMs: 250 },
    );
    for (const card of ranked) sessions.set(card.sessionId, card.creator.handle);
    expect(new Set(sessions.values())).toEqual(new Set(handles));
    expect(ranked.find((c) => c.creator.handle === NEWCOMER)?.ranking).toEqual({
      position: ROOMS,
      explore: true,
    });

    for (const [name, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const pages: { cursor: string | null; items: number; nextCursor: string | null }[] = [];
      page.on('response', async (res) => {
        const url = new URL(res.url());
        if (url.pathname !== '/api/v1/feed') return;
        const body = (await res.json()) as { items: unknown[]; nextCursor?: string | null };
        const cursor = url.searchParams.get('cursor');
        pages.push({ cursor, items: body.items.length, nextCursor: body.nextCursor ?? null });
      });
      await page.goto(server.url);
      // A phone shows the first page and waits for the thumb; a desktop may fetch the second at once.
      await expect.poll(async () => (await shownSessions(page)).length).toBeGreaterThanOrEqual(24);

      // The newcomer comes on the first page, in an exploration slot, with the badge.
      const newcomer = page.locator(`[data-testid="live-card"][data-handle="${NEWCOMER}"]`);
      await expect.poll(() => newcomer.getByTestId('new-creator').textContent()).toBe('New creator');
      expect(await page.getByTestId('new-creator').count()).toBe(1);
      await newcomer.scrollIntoViewIfNeeded();
      await expect.poll(() => picturesLoaded(page)).toBe(true);
      await screenshot(page, `feed-newcomer-${name}`);

      const shown = await scrollToEnd(page);
      expect(shown).toHaveLength(ROOMS);
      expect(new Set(shown).size).toBe(ROOMS);
      expect(new Set(shown)).toEqual(new Set(sessions.keys()));
      // Two pages: the first (perhaps refreshed) and one more along its cursor, which said "the end".
      await expect.poll(() => pages.filter((p) => p.cursor !== null).length).toBe(1);
      const more = pages.filter((p) => p.cursor !== null);
      expect(more[0]).toMatchObject({ items: ROOMS - 24, nextCursor: null });
      expect(
        pages.filter((p) => p.cursor === null).every((p) => p.items === 24 && p.nextCursor !== null),
      ).toBe(true);
      expect(await page.getByTestId('new-creator').count()).toBe(1);
      await expect.poll(() => picturesLoaded(page)).toBe(true);
      await screenshot(page, `feed-end-${name}`);
      await context.close();
    }
  }, 120_000);
});
