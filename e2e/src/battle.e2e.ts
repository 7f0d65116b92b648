import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

const WIDE = { width: 1280, height: 800 };

/** A signed-in SDK client for a handle that already signed up through the browser helper. */
describe('a LIVE battle in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  const pages: Record<'ana' | 'ben' | 'vic' | 'val', Page> = {} as never;
  const pushes: TestPattern[] = [];

  beforeAll(async () => {
    server = await spawnServer({
      BATTLE_DURATION_S: '15',
      BATTLE_CONNECT_S: '1',
      BATTLE_RESULT_S: '30',
    });
    browser = await launchBrowser();
    pages.ana = await (await signedInContext(browser, server, 'ana', WIDE)).newPage();
    pages.ben = await (await signedInContext(browser, server, 'ben', WIDE)).newPage();
    pages.vic = await (await signedInContext(browser, server, 'vic', WIDE)).newPage();
    pages.val = await (await signedInContext(browser, server, 'val', WIDE)).newPage();
    // Two creators LIVE with a real RTMP push each.
    for (const handle of ['ana', 'ben']) {
      const api = await clientFor(server, handle);
      await api.becomeCreator().catch(() => undefined);
      pushes.push(await pushToRoom(server, api, { fps: 15, audio: false, label: handle }));
      await untilLive(api, handle);
    }
    // One viewer in each room, with coins.
    for (const handle of ['vic', 'val']) {
      const api = await clientFor(server, handle);
      const purchase = await api.buyCoins('coins_1400');
      await api.confirmPurchase(purchase.id);
    }
  }, 90_000);
  afterAll(async () => {
    for (const p of pushes) await p.stop();
    await browser?.close();
    await server?.stop();
  });

  const score = (page: Page, which: 'mine' | 'theirs') =>
    page
      .getByTestId(`battle-score-${which}`)
      .textContent()
      .then((t) => t ?? '');

  it('two creators battle; gifts in both rooms move the score bar on both sides; both rooms see the same winner', async () => {
    await pages.ana.goto(`${server.url}/@ana/live`);
    await pages.ben.goto(`${server.url}/@ben/live`);
    await pages.vic.goto(`${server.url}/@ana/live`);
    await pages.val.goto(`${server.url}/@ben/live`);
    for (const p of Object.values(pages))
      await p.getByRole('log', { name: 'LIVE chat' }).waitFor({ timeout: 60_000 });

    // Ana invites Ben from her own room; Ben accepts from his.
    await pages.ana.getByTestId('battle-open').click();
    await pages.ana.getByTestId('battle-invite-handle').fill('ben');
    await pages.ana.getByRole('button', { name: 'Invite' }).click();
    await pages.ben.getByRole('button', { name: 'Accept' }).click({ timeout: 10_000 });
    for (const p of Object.values(pages))
      await expect
        .poll(() => p.getByTestId('battle-layer').getAttribute('data-status'), { timeout: 10_000 })
        .toBe('active');
    // Split screen: the opponent's stream beside the room's own.
    expect(await pages.vic.getByTestId('battle-opponent').count()).toBe(1);
    await screenshot(pages.vic, 'battle-active');

    // Vic gifts Ana through the drawer; Val gifts Ben through the API (a bigger gift).
    await pages.vic.getByTestId('gift-button').click();
    const drawer = pages.vic.getByTestId('gift-drawer');
    await drawer.locator('[data-testid="gift-option"][data-gift="doughnut"]').click();
    await drawer.getByTestId('gift-send').click();
    await pages.vic.keyboard.press('Escape');
    const val = await clientFor(server, 'val');
    await val.sendGift('ben', { giftId: 'hand_hearts' });

    // Each room sees its own creator's score on the left, the opponent's on the right: 15 s battles
    // are all speed round, so every coin counts double.
    await expect.poll(() => score(pages.vic, 'mine'), { timeout: 10_000 }).toBe('60');
    await expect.poll(() => score(pages.vic, 'theirs'), { timeout: 10_000 }).toBe('200');
    await expect.poll(() => score(pages.val, 'mine'), { timeout: 10_000 }).toBe('200');
    await expect.poll(() => score(pages.val, 'theirs'), { timeout: 10_000 }).toBe('60');
    await screenshot(pages.val, 'battle-scores');

    // The battle ends on time; both rooms (and both creators) see the same winner.
    for (const p of Object.values(pages))
      await expect
        .poll(() => p.getByTestId('battle-winner').textContent(), { timeout: 30_000 })
        .toContain('@ben wins');
    await screenshot(pages.vic, 'battle-result');
    await screenshot(pages.ben, 'battle-result-host');

    // The record on the profile, and the head-to-head as Ana sees it on Ben's.
    await pages.ana.goto(`${server.url}/@ben`);
    const record = pages.ana.getByTestId('battle-record');
    await expect.poll(() => record.textContent(), { timeout: 10_000 }).toContain('1 wins · 0 losses');
    expect(await pages.ana.getByTestId('battle-h2h').textContent()).toContain('Against you: 1–0');
    await screenshot(pages.ana, 'battle-profile-record');
  }, 90_000);
});
