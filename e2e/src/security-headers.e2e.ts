import { OnAirClient } from '@onair/sdk';
import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext, takeCspViolations } from './browser.ts';
import { pushToRoom, untilLive } from './creator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/**
 * The pages under the server's Content-Security-Policy. Every spec fails on a violation (see
 * browser.ts); this one also shows the recorder does see one, and covers the API docs.
 */
describe('the web app under its Content-Security-Policy', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let push: TestPattern | undefined;
  let api: OnAirClient;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    // A LIVE creator with an avatar image, so the feed has a card, an <img> and a video to play.
    api = new OnAirClient({ baseUrl: server.url });
    await api.signup({ handle: 'lena', password: 'password123' }, { bearer: true });
    await api.becomeCreator();
    await api.updateProfile({ displayName: 'Lena', avatarUrl: `${server.url}/favicon.svg` });
    await api.updateRoom({ title: 'Morning run' });
    push = await pushToRoom(server, api);
    await untilLive(api, 'lena');
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  const open = async (viewport: { width: number; height: number }, handle: string): Promise<Page> =>
    (await signedInContext(browser, server, handle, viewport)).newPage();

  it('sends the policy with the page and with the live stream', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');

    // The live FLV response is written by hand (hijacked): it still carries the headers, and lets
    // players on other sites read it.
    const { session } = await api.room('lena');
    const stop = new AbortController();
    const flv = await fetch(new URL(session!.flvUrl, server.url), { signal: stop.signal });
    expect(flv.status).toBe(200);
    expect(flv.headers.get('content-security-policy')).toBe(csp);
    expect(flv.headers.get('x-content-type-options')).toBe('nosniff');
    expect(flv.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    stop.abort();
  });

  it('the feed renders on a phone and on a desktop', async () => {
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const page = await open(viewport, `feed_${name}`);
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('LIVE');
      await expect.poll(() => page.getByText('Morning run').count()).toBeGreaterThan(0);
      // The avatar image loaded (a blocked one falls back to initials).
      await expect
        .poll(() =>
          page
            .locator('img.avatar')
            .evaluateAll((imgs) => imgs.some((i) => (i as HTMLImageElement).naturalWidth > 0)),
        )
        .toBe(true);
      await screenshot(page, `csp-feed-${name}`);
    }
  });

  it('the LIVE page plays the video and opens the gift panel', async () => {
    const page = await open(DESKTOP, 'watcher');
    await page.goto(`${server.url}/@lena/live`);
    const video = page.getByTestId('live-video');
    await video.waitFor();
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
      .toBeGreaterThan(t0 + 1);
    await page.getByTestId('gift-button').click();
    await page.getByTestId('gift-drawer').waitFor();
    await screenshot(page, 'csp-live-desktop');
  });

  it('the API docs render under their own policy', async () => {
    const page = await open(DESKTOP, 'reader');
    await page.goto(`${server.url}/api/docs`);
    await expect.poll(() => page.getByText('OnAir API').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.opblock').count()).toBeGreaterThan(10);
    await screenshot(page, 'csp-docs');
  });

  it('records a violation when a page breaks the policy', async () => {
    const page = await open(PHONE, 'breaker');
    await page.goto(`${server.url}/`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    const seen: string[] = [];
    const record = () => {
      seen.push(...takeCspViolations().map((v) => `${v.via}: ${v.detail}`));
      return seen.join('\n');
    };
    await expect.poll(record).toMatch(/^event: script-src(-elem)? blocked inline/m);
    expect(
      await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
    ).toBeUndefined();
    // Chrome's console message about it may come a moment later; it belongs to this test too.
    await expect.poll(record).toMatch(/^console: .*Content Security Policy/m);
  });
});
