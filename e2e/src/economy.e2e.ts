import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const WIDE = { width: 1280, height: 800 };

describe('coins, gifts and earnings in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let host: Page;
  let fan: Page;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    host = await (await signedInContext(browser, server, 'cara', WIDE)).newPage();
    fan = await (await signedInContext(browser, server, 'dev')).newPage();
    const api = await clientFor(server, 'cara');
    await api.updateRoom({ title: 'Gift party' });
    push = await pushToRoom(server, api, { label: 'gifts' });
    await untilLive(api, 'cara');
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  const coins = (page: Page) =>
    page
      .getByTestId('coin-balance')
      .getAttribute('data-coins')
      .then((v) => Number(v));

  it('a viewer buys coins with the sandbox provider; a declined card adds nothing', async () => {
    await fan.goto(`${server.url}/wallet`);
    await fan.locator('[data-testid="coin-package"][data-package="coins_1400"]').click();
    const checkout = fan.getByTestId('checkout-sheet');
    await checkout.getByLabel('Card number').fill('4000 0000 0000 0002');
    await checkout.getByTestId('pay-button').click();
    await expect.poll(() => checkout.getByRole('alert').textContent()).toContain('declined');
    await screenshot(fan, 'economy-checkout-declined');
    expect(await coins(fan)).toBe(0);

    await checkout.getByLabel('Card number').fill('4242 4242 4242 4242');
    await checkout.getByTestId('pay-button').click();
    await expect.poll(() => coins(fan)).toBe(1400);
    await expect
      .poll(() => fan.getByTestId('statement-entry').first().textContent())
      .toContain('Bought 1,400 coins');
    await screenshot(fan, 'economy-wallet');
  });

  it('the viewer sends a combo of roses and a Galaxy; the host sees both in the room', async () => {
    await host.goto(`${server.url}/@cara/live`);
    await fan.goto(`${server.url}/@cara/live`);
    await host.getByRole('log', { name: 'LIVE chat' }).waitFor();
    // No gift button on your own LIVE.
    expect(await host.getByTestId('gift-button').count()).toBe(0);

    await fan.getByTestId('gift-button').click();
    const drawer = fan.getByTestId('gift-drawer');
    await expect.poll(() => drawer.getByTestId('gift-balance').getAttribute('data-coins')).toBe('1400');
    await drawer.locator('[data-testid="gift-option"][data-gift="rose"]').click();
    for (let i = 0; i < 5; i++) await drawer.getByTestId('gift-send').click();

    // One streak: the room stacks the five roses into a single "x5".
    const hostCombo = host.locator('[data-testid="gift-combo"][data-sender="dev"][data-gift="rose"]');
    await expect.poll(() => hostCombo.getAttribute('data-count'), { timeout: 10_000 }).toBe('5');
    expect(await hostCombo.count()).toBe(1);
    await expect
      .poll(() =>
        fan
          .locator('[data-testid="gift-combo"][data-sender="dev"][data-gift="rose"]')
          .getAttribute('data-count'),
      )
      .toBe('5');
    await screenshot(fan, 'economy-drawer-combo');
    await screenshot(host, 'economy-host-combo');

    await drawer.locator('[data-testid="gift-option"][data-gift="galaxy"]').click();
    await drawer.getByTestId('gift-send').click();
    await host.locator('[data-testid="gift-fullscreen"][data-gift="galaxy"]').waitFor({ timeout: 10_000 });
    // Mid-effect, once the sender's caption is in.
    await host.waitForTimeout(1200);
    await screenshot(host, 'economy-host-fullscreen');
    await expect.poll(() => drawer.getByTestId('gift-balance').getAttribute('data-coins')).toBe('395');

    // Not enough coins for another: the drawer says so and points to the wallet.
    await drawer.getByTestId('gift-send').click();
    await expect
      .poll(() => drawer.getByTestId('gift-error').getAttribute('data-code'))
      .toBe('gift.insufficient_coins');
    expect(await drawer.getByTestId('gift-buy-coins').getAttribute('href')).toBe('/wallet');
    await screenshot(fan, 'economy-drawer-insufficient');

    // A medium gift gets a banner across the stage (shown here once the Galaxy has played out).
    await host.getByTestId('gift-fullscreen').waitFor({ state: 'detached', timeout: 10_000 });
    await drawer.locator('[data-testid="gift-option"][data-gift="corgi"]').click();
    await drawer.getByTestId('gift-send').click();
    await host.locator('[data-testid="gift-banner"][data-gift="corgi"]').waitFor({ timeout: 10_000 });
    await host.waitForTimeout(500);
    await screenshot(host, 'economy-host-banner');
    await expect.poll(() => drawer.getByTestId('gift-balance').getAttribute('data-coins')).toBe('96');

    // The ranking on the stage, refreshed by the gift frames.
    await expect
      .poll(() => host.getByTestId('top-gifters').getAttribute('data-count'), { timeout: 10_000 })
      .toBe('1');
    await fan.keyboard.press('Escape');
    // The Galaxy's effect has played out by now.
    await fan.getByTestId('gift-fullscreen').waitFor({ state: 'detached', timeout: 10_000 });
    await fan.getByTestId('top-gifters').click();
    await expect
      .poll(() => fan.locator('[data-testid="top-gifter"][data-handle="dev"]').textContent())
      .toContain('1,304');
    await fan.waitForTimeout(400);
    await screenshot(fan, 'economy-top-gifters');
    await fan.keyboard.press('Escape');
    await fan.getByTestId('top-gifters-sheet').waitFor({ state: 'detached' });
    await screenshot(fan, 'economy-watch-phone');
  });

  it('a signed-out viewer is asked to log in before gifting', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    const page = await context.newPage();
    await page.goto(`${server.url}/@cara/live`);
    await page.getByTestId('gift-button').click();
    await page.getByTestId('gift-signin').waitFor();
    expect(await page.getByTestId('gift-signin').getByRole('link', { name: 'Log in' }).count()).toBe(1);
    await page.waitForTimeout(300);
    await screenshot(page, 'economy-gift-signin');
    await context.close();
  });

  it('the creator sees the diamonds on the earnings page and the withdrawal rules', async () => {
    await host.goto(`${server.url}/go-live`);
    await host.getByTestId('golive-earnings-link').waitFor();
    await screenshot(host, 'economy-golive');
    await host.getByTestId('golive-earnings-link').click();
    await host.waitForURL(`${server.url}/wallet/earnings`);
    const diamonds = host.getByTestId('diamond-balance');
    await diamonds.waitFor();
    // 1,304 coins at the default 50 % platform share.
    expect(Number(await diamonds.getAttribute('data-diamonds'))).toBe(652);
    expect(await host.getByTestId('withdraw-minimum').textContent()).toContain('1,000 diamonds');
    expect(await host.getByTestId('withdraw-fee').textContent()).toBe('3%');

    await host.getByLabel('Diamonds to withdraw').fill('652');
    await host.getByRole('button', { name: 'Request withdrawal' }).click();
    await expect
      .poll(() => host.getByTestId('withdraw-error').getAttribute('data-code'))
      .toBe('wallet.withdrawal_below_minimum');
    await screenshot(host, 'economy-earnings');

    await fan.goto(`${server.url}/wallet`);
    await expect
      .poll(() => fan.getByTestId('statement-entry').first().textContent())
      .toContain('Corgi to @cara');
    await fan.getByTestId('statement').scrollIntoViewIfNeeded();
    await screenshot(fan, 'economy-statement');
  });
});
