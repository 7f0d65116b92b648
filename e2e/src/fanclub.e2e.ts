import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const WIDE = { width: 1280, height: 800 };

describe('a fan club in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let host: Page;
  let phone: Page;
  let desktop: Page;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    host = await (await signedInContext(browser, server, 'fiona', WIDE)).newPage();
    const fanContext = await signedInContext(browser, server, 'finn');
    phone = await fanContext.newPage();
    const api = await clientFor(server, 'fiona');
    await api.updateRoom({ title: 'Heart Me night' });
    push = await pushToRoom(server, api, { label: 'fans' });
    await untilLive(api, 'fiona');
    const finn = await clientFor(server, 'finn');
    const purchase = await finn.buyCoins('coins_70');
    await finn.confirmPurchase(purchase.id);
    // The same signed-in fan on a desktop-sized window, for the wide layout's screenshot.
    const wide = await browser.newContext({ viewport: WIDE });
    await wide.addCookies(await fanContext.cookies());
    desktop = await wide.newPage();
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  const chat = (page: Page) => page.getByRole('log', { name: 'LIVE chat' });

  it('the creator names the badge in the Studio', async () => {
    await host.goto(`${server.url}/studio/fans`);
    await host.getByTestId('studio-fans').waitFor();
    await host.getByLabel('Badge name (up to 8 characters)').fill('Way too long');
    await host.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => host.getByRole('alert').textContent()).toContain('at most 8 characters');
    await host.getByLabel('Badge name (up to 8 characters)').fill('FionaFam');
    await host.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => host.getByText('Saved').count()).toBe(1);
  });

  it('a viewer joins with the club gift and sees their badge beside their comment', async () => {
    await phone.goto(`${server.url}/@fiona/live`);
    await chat(phone).waitFor();
    await phone.getByTestId('join-fan-club').first().click();
    await expect
      .poll(() => phone.getByTestId('fan-member').first().getAttribute('title'), { timeout: 10_000 })
      .toContain('FionaFam');
    expect(await phone.getByTestId('fan-member').first().textContent()).toContain('Lv 1');

    await phone.getByLabel('Add a comment').fill('Proud member!');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = phone
      .locator('[data-testid="chat-comment"][data-author="finn"]')
      .filter({ hasText: 'Proud member!' });
    await expect
      .poll(() => mine.getByTestId('fan-badge').textContent(), { timeout: 10_000 })
      .toContain('FionaFam');
    await screenshot(phone, 'fanclub-badge-phone');

    await desktop.goto(`${server.url}/@fiona/live`);
    await chat(desktop).waitFor();
    const seen = desktop
      .locator('[data-testid="chat-comment"][data-author="finn"]')
      .filter({ hasText: 'Proud member!' });
    await expect
      .poll(() => seen.getByTestId('fan-badge').textContent(), { timeout: 10_000 })
      .toContain('FionaFam');
    await screenshot(desktop, 'fanclub-badge-desktop');
  });

  it("the creator sees the new fan in the Studio's Fans tab", async () => {
    await host.goto(`${server.url}/studio/fans`);
    const row = host.getByTestId('fan-row').filter({ hasText: '@finn' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('active');
    await screenshot(host, 'fanclub-studio-fans');
  });
});
