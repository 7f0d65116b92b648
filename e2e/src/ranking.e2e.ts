import { OnAirClient } from '@onair/sdk';
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

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** The creator handles of the For You cards, in the order the page shows them. */
const cardOrder = (page: Page) =>
  page.getByTestId('live-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-handle')));

/**
 * For You and "Why am I ranked here": two creators LIVE, one of them with a viewer who watches,
 * comments and taps hearts. The feed a signed-out visitor sees puts the engaged room first, a
 * category chip narrows it to that room's topic, and the engaged creator's studio shows #1, the
 * five signals, what would lift them most, the score over the LIVE and (as the server's admin) the
 * ranking settings; after the LIVE, the page says so and keeps the last LIVE's chart.
 */
describe('For You ranking in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let studio: Page;
  const pushes: TestPattern[] = [];
  let fan: SdkViewer | undefined;

  beforeAll(async () => {
    // Rank every half second rather than every 5 s, so the test waits for the ranking, not the timer.
    // The first account of a server is its admin: ava also sees the ranking settings.
    ({ server, browser, studio } = await studioStage('ava', DESKTOP, { RANKING_INTERVAL_MS: '500' }));
  });
  afterAll(async () => {
    for (const p of pushes) await p.stop();
    fan?.rt.close();
    await browser?.close();
    await server?.stop();
  });

  it('ranks the engaged room first and explains the place to its creator', async () => {
    const ava = await clientFor(server, 'ava');
    await ava.becomeCreator();
    await ava.updateRoom({ title: 'Late night piano', topic: 'music' });
    const bo = new OnAirClient({ baseUrl: server.url });
    await bo.signup({ handle: 'bo', password: 'password123' }, { bearer: true });
    await bo.becomeCreator();
    await bo.updateRoom({ title: 'Speedrun practice', topic: 'gaming' });

    pushes.push(await pushToRoom(server, ava, { fps: 10, audio: false, label: 'ava' }));
    pushes.push(await pushToRoom(server, bo, { fps: 10, audio: false, label: 'bo' }));
    const avaRoom = await untilLive(ava, 'ava');
    await untilLive(bo, 'bo');

    // ava's viewer stays past the 10 s that make a view count, chats and taps hearts.
    fan = await viewer(server, 'cy');
    const seat = fan.rt.joinRoom(avaRoom, {});
    await eventually('the viewer in the room', async () => (await ava.studioLive()).viewers === 1, {
      timeoutMs: 15_000,
    });
    await advanceClock(server, ava, 30_000);
    await seat.comment('this melody is lovely');
    await seat.comment('play it again!');
    seat.heart(12);
    await advanceClock(server, ava, 5_000);

    const ranked = await eventually(
      "ava's engagement ranked",
      async () => {
        const r = await ava.studioRanking();
        const engagement = r.signals.find((s) => s.signal === 'engagement');
        return r.live && r.rooms === 2 && r.position === 1 && engagement && engagement.value > 0
          ? r
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(ranked.signals.map((s) => s.signal)).toEqual([
      'engagement',
      'watchTime',
      'newFollowers',
      'consistency',
      'retention',
    ]);
    expect(ranked.advice?.message).toBeTruthy();
    expect((await bo.studioRanking()).position).toBe(2);

    // The feed, for a visitor who is not signed in: on a phone, then on a desktop.
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const page = await (await browser.newContext({ viewport })).newPage();
      await page.goto(server.url);
      await expect.poll(() => cardOrder(page)).toEqual(['ava', 'bo']);
      await expect
        .poll(() => page.getByRole('tab', { name: 'For You' }).getAttribute('aria-selected'))
        .toBe('true');
      await screenshot(page, `feed-for-you-${name}`);

      // A category shows only its rooms, and "All" brings back the ranked feed.
      await page.getByTestId('topic-chips').getByRole('link', { name: 'Gaming' }).click();
      await expect.poll(() => cardOrder(page)).toEqual(['bo']);
      expect(new URL(page.url()).searchParams.get('topic')).toBe('gaming');
      if (name === 'phone') await screenshot(page, 'feed-topic-phone');
      await page.getByTestId('topic-chips').getByRole('link', { name: 'All' }).click();
      await expect.poll(() => cardOrder(page)).toEqual(['ava', 'bo']);
      // Everything fit on one page: no "More" button at the end.
      expect(await page.getByTestId('feed-more').getByRole('button').count()).toBe(0);
      await page.context().close();
    }

    // A second minute of history gives the score chart a line.
    await advanceClock(server, ava, 60_000);
    await eventually(
      'two minutes of ranking history',
      async () => (await ava.studioRanking()).history.length >= 2,
      {
        timeoutMs: 20_000,
      },
    );

    await studio.goto(`${server.url}/studio/ranking`);
    await studio.getByTestId('studio-ranking').waitFor();
    await expect.poll(() => studio.getByTestId('rank-position').textContent()).toBe('#1');
    await expect.poll(() => studio.getByTestId('studio-ranking').textContent()).toContain('of 2 LIVE now');
    expect(await studio.getByTestId('rank-signal').count()).toBe(5);
    const labels = await studio.locator('.rank-signal-label').allTextContents();
    expect(labels).toEqual(['Engagement', 'Watch time', 'New followers', 'Consistency', 'Returning viewers']);
    const advice = studio.getByTestId('rank-advice');
    await expect.poll(() => advice.textContent()).toContain('What would lift you most');
    expect((await advice.locator('.rank-advice-message').textContent())?.length).toBeGreaterThan(20);
    await expect.poll(() => studio.getByTestId('chart-ranking').locator('canvas').count()).toBe(1);
    await expect.poll(() => studio.getByTestId('rank-config').locator('tbody tr').count()).toBeGreaterThan(5);
    await studio.setViewportSize({ width: 1280, height: 1500 });
    await screenshot(studio, 'studio-ranking-desktop');
    await studio.setViewportSize({ width: 390, height: 2200 });
    await expect.poll(() => studio.getByTestId('chart-ranking').locator('canvas').count()).toBe(1);
    await screenshot(studio, 'studio-ranking-phone');

    // A creator not ranked (bo, not an admin) sees no settings; after the LIVE ava sees the last one's chart.
    expect((await bo.studioRanking()).config).toBeUndefined();
    await pushes.shift()?.stop();
    await eventually('ava off air', async () => !(await ava.studioRanking()).live, { timeoutMs: 30_000 });
    await studio.setViewportSize(DESKTOP);
    await studio.reload();
    await studio.getByTestId('rank-off-air').waitFor();
    await expect.poll(() => studio.getByTestId('rank-off-air').textContent()).toContain("You're not LIVE");
    await expect.poll(() => studio.getByTestId('chart-ranking').locator('canvas').count()).toBe(1);
    await studio.setViewportSize({ width: 1280, height: 1300 });
    await screenshot(studio, 'studio-ranking-off-air');
  }, 180_000);
});
