import { OnAirClient } from '@onair/sdk';
import {
  pushTestPattern,
  resolveFfmpeg,
  type SpawnedServer,
  spawnServer,
  type TestPattern,
} from '@onair/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';

describe('going LIVE and watching in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let creatorContext: BrowserContext;
  let fanContext: BrowserContext;
  let fan: Page;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    creatorContext = await signedInContext(browser, server, 'ana');
    fanContext = await signedInContext(browser, server, 'ben');
    fan = await fanContext.newPage();
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  it('a follower sees the go-live notification appear without reloading, then watches the video play', async () => {
    const creatorPage = await creatorContext.newPage();
    await creatorPage.goto(`${server.url}/go-live`);
    await creatorPage.getByTestId('stream-key').waitFor();
    await creatorPage.getByLabel('Title').fill('Pasta night');
    await creatorPage.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => creatorPage.getByText('Saved.').count()).toBe(1);

    await fan.goto(`${server.url}/@ana`);
    await fan.getByTestId('follow-button').click();
    await expect.poll(() => fan.getByTestId('follow-button').textContent()).toContain('Following');
    await fan.goto(`${server.url}/`);
    await fan.getByRole('button', { name: 'Notifications' }).waitFor();

    // The creator goes LIVE the way OBS would: RTMP with the key from the Go LIVE page.
    const api = new OnAirClient({ baseUrl: server.url });
    await api.login({ handle: 'ana', password: 'password123' }, { bearer: true });
    const { ingest } = await api.myRoom();
    push = pushTestPattern({
      ffmpegPath: resolveFfmpeg(),
      rtmpUrl: `${server.rtmpUrl}/${ingest.streamKey}`,
      width: 360,
      height: 640,
      fps: 25,
      audio: true,
      label: 'e2e',
    });

    await fan.getByTestId('toast').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => fan.getByTestId('notification-bell').getAttribute('aria-label'))
      .toMatch(/1 unread/);
    await screenshot(fan, 'live-notification-toast');
    await fan.getByTestId('notification-bell').click();
    await fan.getByTestId('notification-item').first().click();
    await fan.waitForURL(`${server.url}/@ana/live`);

    const video = fan.getByTestId('live-video');
    await video.waitFor();
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
      .toBeGreaterThan(t0 + 1);
    expect(await fan.getByTestId('watch-page').getAttribute('data-state')).toBe('live');
    await screenshot(fan, 'live-watch-playing');

    // The feed lists the LIVE as a card.
    const feed = await fanContext.newPage();
    await feed.goto(`${server.url}/`);
    await expect.poll(() => feed.getByTestId('live-card').count(), { timeout: 15_000 }).toBe(1);
    await feed.close();
  });

  it('switches the watch page to "LIVE has ended" when the stream stops', async () => {
    await push?.stop();
    push = undefined;
    await expect
      .poll(() => fan.getByTestId('watch-page').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('ended');
    await expect.poll(() => fan.getByRole('heading', { name: 'LIVE has ended' }).count()).toBe(1);
    expect(await fan.locator('video').count()).toBe(0);
  });
});
