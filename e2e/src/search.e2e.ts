import type { OnAirClient } from '@onair/sdk';
import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function signupCreator(
  server: SpawnedServer,
  handle: string,
  displayName: string,
): Promise<OnAirClient> {
  const res = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'password123', displayName }),
  });
  if (res.status !== 201) throw new Error(`signup of ${handle} failed: ${res.status}`);
  const api = await clientFor(server, handle);
  await api.becomeCreator();
  return api;
}

describe('search and hashtags in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    await signupCreator(server, 'dancing_queen', 'Dancing Queen');
    const sam = await signupCreator(server, 'salsa_sam', 'Salsa Sam');
    await sam.updateRoom({ title: 'Friday night moves', topic: 'music', hashtags: ['salsa', 'latin'] });
    push = await pushToRoom(server, sam, { label: 'salsa' });
    await untilLive(sam, 'salsa_sam');
    // A viewer shares the LIVE: engagement in the last hour puts its hashtags in the feed's trending row.
    const viewer = await signupCreator(server, 'viewer_vic', 'Vic');
    await viewer.share('salsa_sam');
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  const open = async (viewport: typeof PHONE, url: string): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${server.url}${url}`);
    return page;
  };

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`finds a misspelt handle from the header search (${name})`, async () => {
      const page = await open(viewport, '/');
      await page.getByTestId('search-input').fill('dansing_queen');
      const suggestion = page.getByTestId('search-suggestion').filter({ hasText: '@dancing_queen' });
      await suggestion.waitFor();
      await screenshot(page, `search-suggestions-${name}`);

      await page.getByTestId('search-input').press('Enter');
      await page.waitForURL(`${server.url}/search?q=dansing_queen`);
      const result = page.getByTestId('creator-result').filter({ hasText: '@dancing_queen' });
      await result.waitFor();
      expect(await result.textContent()).toContain('Dancing Queen');
      await screenshot(page, `search-results-${name}`);
      await page.context().close();
    });

    it(`opens a hashtag page from a room card (${name})`, async () => {
      const page = await open(viewport, '/');
      await expect.poll(() => page.getByTestId('live-card').count(), { timeout: 15_000 }).toBe(1);
      // The share is recorded off the request path: the chips appear once it is stored.
      await expect
        .poll(
          async () => {
            await page.reload();
            await page.getByTestId('live-card').waitFor();
            return page
              .getByTestId('trending-tags')
              .textContent({ timeout: 2_000 })
              .catch(() => '');
          },
          { timeout: 15_000 },
        )
        .toContain('#salsa');
      await screenshot(page, `feed-trending-${name}`);
      // The tag under the room's card (the trending row has one too).
      const cards = page.getByRole('list', { name: 'LIVE now' });
      await cards.getByTestId('hashtag-link').filter({ hasText: '#salsa' }).click();
      await page.waitForURL(`${server.url}/tag/salsa`);
      expect(await page.getByTestId('tag-title').textContent()).toBe('#salsa');
      await expect.poll(() => page.getByTestId('live-card').count()).toBe(1);
      await page.getByTestId('creator-result').filter({ hasText: '@salsa_sam' }).waitFor();
      await screenshot(page, `tag-page-${name}`);
      await page.context().close();
    });
  }
});
