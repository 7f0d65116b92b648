import { eventually, type SpawnedServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser.ts';
import {
  advanceClock,
  clientFor,
  pushToRoom,
  type SdkViewer,
  studioStage,
  untilLive,
  viewer,
} from './creator.ts';

/**
 * A recorded session seen in the studio: a creator streams a test pattern through a session a little
 * over two minutes long on the server's clock (moved forward, not waited for) while SDK viewers
 * arrive, leave, comment, tap hearts, follow and gift; the creator watches the live dashboard, then
 * reads the session's charts, trends, audience and best times.
 */
describe('creator studio in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let studio: Page;
  let push: TestPattern | undefined;
  const viewers: SdkViewer[] = [];

  beforeAll(async () => {
    ({ server, browser, studio } = await studioStage('cleo', { width: 1280, height: 900 }));
  });
  afterAll(async () => {
    await push?.stop();
    for (const v of viewers) v.rt.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows live counters while LIVE, then charts for the recorded session', async () => {
    const host = await clientFor(server, 'cleo');
    await host.becomeCreator();
    await host.updateRoom({ title: 'Sunday baking' });
    push = await pushToRoom(server, host, { fps: 15, audio: false, label: 'studio' });
    const room = await untilLive(host, 'cleo');

    // Minute 0: three viewers arrive, chat and tap hearts; one follows.
    for (const h of ['dan', 'eve', 'fay']) viewers.push(await viewer(server, h));
    const [dan, eve, fay] = viewers as [SdkViewer, SdkViewer, SdkViewer];
    const danRoom = dan.rt.joinRoom(room, {});
    const eveRoom = eve.rt.joinRoom(room, {});
    const fayRoom = fay.rt.joinRoom(room, {});
    await eventually('three viewers watching', async () => (await host.studioLive()).viewers === 3, {
      timeoutMs: 15_000,
    });
    await danRoom.comment('hi Cleo!');
    await eveRoom.comment('what are we baking?');
    danRoom.heart(5);
    eveRoom.heart(3);
    await fay.api.follow('cleo');

    await studio.goto(`${server.url}/studio`);
    const live = studio.getByTestId('studio-live');
    await live.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => studio.getByTestId('live-viewers').textContent(), { timeout: 15_000 })
      .toContain('3');
    await screenshot(studio, 'studio-live-dashboard');

    // Minute 1: fay leaves, two more arrive; dan gifts.
    await advanceClock(server, host, 45_000);
    fayRoom.leave();
    for (const h of ['gus', 'hal']) viewers.push(await viewer(server, h));
    const gusRoom = viewers[3]!.rt.joinRoom(room, {});
    viewers[4]!.rt.joinRoom(room, {});
    await advanceClock(server, host, 20_000);
    await dan.api.confirmPurchase((await dan.api.buyCoins('coins_700')).id);
    await dan.api.sendGift('cleo', { giftId: 'doughnut', quantity: 3 });
    await gusRoom.comment('smells great from here');
    gusRoom.heart(10);
    await eve.api.share('cleo');

    // Minute 2: more chat, then the stream stops.
    await advanceClock(server, host, 50_000);
    await danRoom.comment('thanks for the stream');
    eveRoom.heart(8);
    await dan.api.sendGift('cleo', { giftId: 'rose', quantity: 5 });
    await eventually('both gifts on the dashboard', async () => (await host.studioLive()).gifts === 2, {
      timeoutMs: 15_000,
    });
    await push.stop();
    push = undefined;
    await expect.poll(async () => (await host.studioSession(room)).status, { timeout: 30_000 }).toBe('ended');

    const detail = await host.studioSession(room);
    expect(detail.uniqueViewers).toBe(5);
    expect(detail.comments).toBe(4);
    expect(detail.gifts).toBe(2);
    expect(detail.newFollowers).toBe(1);
    expect(detail.minutes.length).toBeGreaterThanOrEqual(2);

    await studio.goto(`${server.url}/studio`);
    await studio.getByTestId('studio-sessions').waitFor();
    await screenshot(studio, 'studio-overview');
    await studio.getByRole('link', { name: /Sunday baking/ }).click();
    await studio.getByTestId('studio-session-detail').waitFor();
    for (const chart of ['chart-viewers', 'chart-engagement']) {
      await expect.poll(() => studio.getByTestId(chart).locator('canvas').count()).toBe(1);
    }
    await studio.setViewportSize({ width: 1280, height: 1500 });
    await screenshot(studio, 'studio-session-detail');
    // On a phone the figures wrap and the charts follow the width.
    await studio.setViewportSize({ width: 390, height: 1600 });
    await expect.poll(() => studio.getByTestId('chart-viewers').locator('canvas').count()).toBe(1);
    await screenshot(studio, 'studio-session-detail-mobile');

    await studio.setViewportSize({ width: 1280, height: 900 });
    // Trends are bucketed in the browser's own IANA zone (DST included), not a fixed offset.
    const zone = await studio.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const trendsRequest = studio.waitForRequest((r) => r.url().includes('/api/v1/studio/trends'));
    await studio.getByRole('link', { name: 'Trends' }).click();
    const trendsQuery = new URL((await trendsRequest).url()).searchParams;
    expect([trendsQuery.get('tz'), trendsQuery.get('tzOffsetMin')]).toEqual([zone, null]);
    expect(
      new URL((await studio.getByTestId('csv-trends').getAttribute('href'))!, server.url).searchParams.get(
        'tz',
      ),
    ).toBe(zone);
    await expect.poll(() => studio.getByTestId('chart-trend-watch').locator('canvas').count()).toBe(1);
    await studio.setViewportSize({ width: 1280, height: 1100 });
    await screenshot(studio, 'studio-trends');

    await studio.getByRole('link', { name: 'Audience' }).click();
    await studio.getByTestId('studio-fans').waitFor();
    expect(await studio.getByTestId('studio-fans').locator('tbody tr').count()).toBe(5);
    await screenshot(studio, 'studio-audience');

    await studio.getByRole('link', { name: 'Best times' }).click();
    await studio.getByTestId('studio-best-times').waitFor();
    await screenshot(studio, 'studio-best-times');

    // The CSV link downloads with the session cookie.
    const csv = await studio.evaluate(
      async (url) => (await fetch(url)).text(),
      host.studioExportPath({ dataset: 'fans' }),
    );
    expect(csv.split('\r\n')[0]).toBe(
      'handle,displayName,class,follower,sessions,watchS,comments,hearts,gifts,coins,lastSeenAt',
    );
    expect(csv).toContain('dan');
  }, 150_000);
});
