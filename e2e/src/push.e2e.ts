import { PushDevice, PushKey, PushPayload, PushSettings } from '@onair/protocol';
import type { OnAirClient } from '@onair/sdk';
import {
  eventually,
  type PushServiceStandIn,
  type SpawnedServer,
  spawnServer,
  startPushService,
} from '@onair/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor } from './creator.ts';

/** Counts every call of Notification.requestPermission on the page, from before the app runs. */
function recordPermissionRequests(context: BrowserContext) {
  return context.addInitScript(() => {
    const w = window as unknown as { __permissionRequests: number };
    w.__permissionRequests = 0;
    if (!('Notification' in window)) return;
    const original = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => {
      w.__permissionRequests += 1;
      return original(...args);
    };
  });
}

const permissionRequests = (page: Page) =>
  page.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests);

/** The settings page with the "This device" panel settled and the server's key loaded. */
async function openSettings(page: Page, server: SpawnedServer, via: 'url' | 'bell' = 'url') {
  if (via === 'url') await page.goto(`${server.url}/settings/notifications`);
  else {
    await page.goto(server.url);
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-settings-link').click();
  }
  const panel = page.getByTestId('push-this-device');
  await panel.and(page.locator('[data-state="off"]')).waitFor();
  await expect.poll(() => page.getByTestId('push-turn-on').isEnabled()).toBe(true);
  return panel;
}

describe('notification settings in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let pushService: PushServiceStandIn;

  beforeAll(async () => {
    pushService = await startPushService();
    // The stand-in listens on loopback, a private address the server refuses unless told otherwise.
    server = await spawnServer({ PUSH_ALLOW_PRIVATE: 'on' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await pushService?.close();
  });

  it('asks for permission only after the tap, and explains a refusal', async () => {
    // No permission granted: headless chromium answers a request with "denied", as a user could.
    const context = await signedInContext(browser, server, 'pia');
    await recordPermissionRequests(context);
    const page = await context.newPage();
    const panel = await openSettings(page, server, 'bell');
    expect(await permissionRequests(page)).toBe(0);
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    expect(await page.getByTestId('push-devices-empty').isVisible()).toBe(true);
    await screenshot(page, 'push-settings-off-phone');

    await page.getByTestId('push-turn-on').click();
    await panel.and(page.locator('[data-state="denied"]')).waitFor();
    expect(await permissionRequests(page)).toBe(1);
    expect(await page.getByTestId('push-denied').textContent()).toContain('Notifications are blocked');
    await screenshot(page, 'push-settings-denied-phone');

    // Reopened later: the page says so again without asking again.
    await page.reload();
    await panel.and(page.locator('[data-state="denied"]')).waitFor();
    expect(await permissionRequests(page)).toBe(0);
    await context.close();
  }, 60_000);

  it('with permission granted, shows why the push service would not register this browser', async () => {
    const context = await signedInContext(browser, server, 'quinn');
    await context.grantPermissions(['notifications'], { origin: server.url });
    await recordPermissionRequests(context);
    const page = await context.newPage();
    await openSettings(page, server);
    expect(await permissionRequests(page)).toBe(0);

    // Chromium grants the permission but, in a browser context like this one (off the record,
    // with no way to reach Google's push service), refuses the subscription itself.
    await page.getByTestId('push-turn-on').click();
    const failure = page.getByTestId('push-failure');
    await failure.waitFor({ timeout: 30_000 });
    expect(await permissionRequests(page)).toBe(1);
    expect(await failure.textContent()).toMatch(/allowed notifications, but its push service refused/);
    expect(await page.getByTestId('push-this-device').getAttribute('data-state')).toBe('off');
    await screenshot(page, 'push-settings-refused-phone');
    const api = await clientFor(server, 'quinn');
    expect((await api.request('GET', '/push/settings', PushSettings)).devices).toEqual([]);
    await context.close();
  }, 60_000);

  it('lists a device, keeps its switches and quiet hours, sends a test and removes it', async () => {
    const context = await signedInContext(browser, server, 'rosa', { width: 1280, height: 800 });
    const api: OnAirClient = await clientFor(server, 'rosa');
    // A real P-256 subscription on the local push service, as a phone's browser would have made.
    const subscription = pushService.subscribe();
    const added = await api.request('POST', '/push/devices', PushDevice, {
      subscription: { endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys },
      name: 'Pixel 8 · Chrome',
    });
    const page = await context.newPage();
    await openSettings(page, server);
    const row = page.getByTestId('push-device').filter({ hasText: 'Pixel 8 · Chrome' });
    await row.waitFor();
    expect(await row.textContent()).toContain('127.0.0.1');
    expect(await row.textContent()).toContain('nothing sent yet');
    const battles = row.locator('input[data-kind="battles"]');
    expect(await battles.isChecked()).toBe(true);

    await battles.click();
    await eventually('the battles switch is saved', async () => {
      const { devices } = await api.request('GET', '/push/settings', PushSettings);
      return devices.find((d) => d.id === added.id)?.kinds.battles === false;
    });
    await page.reload();
    await row.waitFor();
    expect(await battles.isChecked()).toBe(false);
    expect(await row.locator('input[data-kind="live"]').isChecked()).toBe(true);

    const quiet = page.getByTestId('quiet-hours');
    await quiet.getByTestId('quiet-toggle').click();
    await quiet.getByLabel('From').fill('23:00');
    await quiet.getByLabel('Until').fill('06:45');
    expect(await quiet.getByLabel('Time zone').inputValue()).toBe(
      await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    );
    await quiet.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await quiet.getByRole('button', { name: 'Save quiet hours' }).click();
    await quiet.getByText('Quiet from 23:00 to 06:45').waitFor();
    await page.reload();
    await expect.poll(() => quiet.getByLabel('From').inputValue()).toBe('23:00');
    expect(await quiet.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    await screenshot(page, 'push-settings-devices-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'push-settings-devices-phone');

    await row.getByRole('button', { name: 'Send me a test notification' }).click();
    await row.getByText('Test sent').waitFor();
    // Signed with the server's VAPID key, encrypted for this subscription, and about the test.
    const [push] = await eventually('the test push reaches the push service', () =>
      pushService.received(subscription.id).length > 0 ? pushService.received(subscription.id) : null,
    );
    const { publicKey } = await api.request('GET', '/push/key', PushKey);
    expect(push?.vapidKey).toBe(publicKey);
    expect(PushPayload.parse(push?.payload).kind).toBe('test');
    // A second test straight away is refused, and the page says when another may go.
    await row.getByRole('button', { name: 'Send me a test notification' }).click();
    await row.getByText(/You just sent a test\. You can send another in \d+ s\./).waitFor();
    expect(pushService.count(subscription.id)).toBe(1);
    expect(pushService.rejections()).toEqual([]);
    await screenshot(page, 'push-settings-test-limited-phone');
    await expect
      .poll(async () => {
        await page.reload();
        await row.waitFor();
        return row.locator('.push-device-meta').textContent();
      })
      .toContain('last push just now');

    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('push-devices-empty').waitFor();
    expect((await api.request('GET', '/push/settings', PushSettings)).devices).toEqual([]);
    await context.close();
  }, 90_000);
});
