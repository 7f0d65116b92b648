import { OnAirClient } from '@onair/sdk';
import { eventually, type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** Moves the test server's clock forward (TEST_CLOCK=on; admins only, and the first account is one). */
async function advanceClock(server: SpawnedServer, admin: OnAirClient, ms: number): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ advanceMs: ms }),
  });
  if (!res.ok) throw new Error(`moving the test clock failed: ${res.status} ${await res.text()}`);
}

async function signedUp(server: SpawnedServer, handle: string): Promise<OnAirClient> {
  const api = new OnAirClient({ baseUrl: server.url });
  await api.signup({ handle, password: 'password123' }, { bearer: true });
  return api;
}

/**
 * LIVE Rewards in the studio: a creator streams a test pattern for 31 minutes on the server's clock
 * (moved forward, not waited for), gains five followers and some gifts; when the stream stops, the
 * server's worker pays the per-LIVE bonus from the rewards pool, and the creator's Rewards page
 * explains it, percent by percent, on a phone and on a desktop.
 */
describe('LIVE Rewards in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer({ TEST_CLOCK: 'on' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  it('pays a bonus when the LIVE ends and explains it on the Rewards page', async () => {
    // The first account is the server's admin, so it may move the test clock.
    const phone = await (await signedInContext(browser, server, 'rhea', PHONE)).newPage();
    const host = await clientFor(server, 'rhea');
    await host.becomeCreator();
    await host.updateRoom({ title: 'Pottery night' });
    push = await pushToRoom(server, host, { fps: 10, audio: false, label: 'rewards' });
    await untilLive(host, 'rhea');

    for (const h of ['fin', 'gus', 'hal', 'ivy', 'jo']) await (await signedUp(server, h)).follow('rhea');
    const fan = await signedUp(server, 'kit');
    const purchase = await fan.buyCoins('coins_1400');
    await fan.confirmPurchase(purchase.id);
    for (let i = 0; i < 4; i++) await fan.sendGift('rhea', { giftId: 'finger_heart', quantity: 50 });
    const earned = (await host.wallet()).diamonds;
    expect(earned).toBeGreaterThan(0);

    await advanceClock(server, host, 31 * 60_000);
    await push.stop();
    push = undefined;
    const bonus = Math.floor((earned * 40) / 100);
    await eventually(
      'the per-LIVE bonus paid',
      async () => (await host.wallet()).diamonds === earned + bonus,
      {
        timeoutMs: 30_000,
      },
    );

    await phone.goto(`${server.url}/studio/rewards`);
    const explanation = phone.getByTestId('reward-explanation').first();
    await explanation.waitFor();
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(await explanation.textContent()).toBe(
      `38% for 31 min LIVE + 2% for 5 new followers on ${fmt(earned)} diamonds = ${fmt(bonus)} diamonds`,
    );
    expect(await phone.getByTestId('mission-longLive').textContent()).toContain('longest LIVE 31 min');
    await explanation.scrollIntoViewIfNeeded();
    await screenshot(phone, 'studio-rewards-phone');

    const desktop = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await desktop.context().addCookies(await phone.context().cookies());
    await desktop.goto(`${server.url}/studio/rewards`);
    await desktop.getByTestId('reward-explanation').first().waitFor();
    await screenshot(desktop, 'studio-rewards-desktop');
    await desktop.getByTestId('rewards-payouts').scrollIntoViewIfNeeded();
    await screenshot(desktop, 'studio-rewards-desktop-payouts');

    // The wallet statement names the bonus.
    const statement = await host.statement({ asset: 'DIAMOND' });
    expect(statement.entries[0]).toMatchObject({ kind: 'reward', amount: bonus, memo: 'LIVE Rewards bonus' });
  });
});
