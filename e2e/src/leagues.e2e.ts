import { OnAirClient } from '@onair/sdk';
import { eventually, type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const DAY = 86_400_000;

/**
 * Moves the test server's clock forward (TEST_CLOCK=on; admins only, and the first account is one),
 * a day at a time, the most one call may move it.
 */
async function advanceClock(server: SpawnedServer, admin: OnAirClient, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= DAY) {
    const res = await fetch(`${server.url}/api/v1/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ advanceMs: Math.min(left, DAY) }),
    });
    if (!res.ok) throw new Error(`moving the test clock failed: ${res.status} ${await res.text()}`);
  }
}

async function signedUp(server: SpawnedServer, handle: string): Promise<OnAirClient> {
  const api = new OnAirClient({ baseUrl: server.url });
  await api.signup({ handle, password: 'password123' }, { bearer: true });
  return api;
}

/**
 * Leagues in the browser: two creators go LIVE (and so join the league at D5), a fan gifts; the
 * room header shows the host's badge and the room's top gifters; the league page shows the group's
 * standings. Then the server's clock passes the period's end, the worker settles it, and at the
 * host's next LIVE the room is told about the promotion.
 */
describe('leagues in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer({ TEST_CLOCK: 'on', JOBS_POLL_MS: '200' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  it('shows the badge, the standings and the top gifters, and announces a promotion', async () => {
    // The first account is the server's admin, so it may move the test clock.
    const desktopContext = await signedInContext(browser, server, 'lena', DESKTOP);
    const host = await clientFor(server, 'lena');
    await host.becomeCreator();
    await host.updateRoom({ title: 'Climbing the league' });

    // A rival goes LIVE briefly: both are placed in the same D5 group.
    const rival = await signedUp(server, 'omar');
    await rival.becomeCreator();
    const rivalPush = await pushToRoom(server, rival, { fps: 10, audio: false, label: 'rival' });
    await untilLive(rival, 'omar');
    await rivalPush.stop();

    push = await pushToRoom(server, host, { fps: 10, audio: false, label: 'leagues' });
    await untilLive(host, 'lena');
    const fan = await signedUp(server, 'pia');
    const purchase = await fan.buyCoins('coins_1400');
    await fan.confirmPurchase(purchase.id);
    await fan.sendGift('lena', { giftId: 'finger_heart', quantity: 20 });
    const fan2 = await signedUp(server, 'quin');
    await fan2.confirmPurchase((await fan2.buyCoins('coins_700')).id);
    await fan2.sendGift('lena', { giftId: 'rose', quantity: 5 });

    // A viewer on a phone: the host's tier beside their name, and the room's leaderboard.
    const phone = await (await signedInContext(browser, server, 'rosa', PHONE)).newPage();
    await phone.goto(`${server.url}/@lena/live`);
    const badge = phone.getByTestId('league-badge').first();
    await badge.waitFor();
    expect(await badge.getAttribute('data-tier')).toBe('D5');
    await screenshot(phone, 'leagues-room-badge-phone');
    await phone.getByTestId('leaderboard-open').click();
    const rows = phone.getByTestId('leaderboard-sheet').getByTestId('leaderboard-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute('data-handle')).toBe('pia');
    expect(await badge.isVisible()).toBe(true);
    // The sheet slides in: photograph it once its animations have finished.
    await phone
      .getByTestId('leaderboard-sheet')
      .evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
    await screenshot(phone, 'leagues-room-leaderboard-phone');

    // The host's league page on a desktop: tier, points, the group's standings, top gifters.
    const desktop = await desktopContext.newPage();
    await desktop.goto(`${server.url}/@lena`);
    await desktop.getByTestId('league-badge').first().click();
    await desktop.getByTestId('league-page').waitFor();
    const standings = desktop.getByTestId('league-row');
    await expect.poll(() => standings.count()).toBe(2);
    expect(await standings.first().getAttribute('data-handle')).toBe('lena');
    const points = (await host.myLeague()).current!.points;
    expect(points).toBe((await host.wallet()).diamonds);
    expect(await desktop.getByTestId('league-points').textContent()).toContain(
      points.toLocaleString('en-US'),
    );
    expect(await desktop.getByTestId('league-tier').textContent()).toContain('D5');
    await screenshot(desktop, 'leagues-page-desktop');
    const leaguePhone = await phone.context().newPage();
    await leaguePhone.goto(`${server.url}/@lena/league`);
    await leaguePhone.getByTestId('league-row').first().waitFor();
    await screenshot(leaguePhone, 'leagues-page-phone');

    // The period ends on the server's clock; its worker settles it and Lena, top of her group, goes up.
    await push.stop();
    push = undefined;
    const { period } = (await host.myLeague()).current!;
    const serverNow = Date.now();
    await advanceClock(server, host, new Date(period.endsAt).getTime() - serverNow + 60_000);
    await eventually('the period settled', async () => (await host.league('lena')).history.length === 1, {
      timeoutMs: 30_000,
    });
    expect((await host.league('lena')).history[0]).toMatchObject({
      tier: 'D5',
      rank: 1,
      move: 'up',
      nextTier: 'D4',
    });

    // At her next LIVE the room is told, and the badge reads D4.
    push = await pushToRoom(server, host, { fps: 10, audio: false, label: 'leagues-2' });
    await untilLive(host, 'lena');
    await desktop.goto(`${server.url}/@lena/live`);
    const notice = desktop.locator('[data-kind="league"]').first();
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain('promoted to league D4');
    expect(await desktop.getByTestId('league-badge').first().getAttribute('data-tier')).toBe('D4');
    await screenshot(desktop, 'leagues-promotion-desktop');
  });
});
