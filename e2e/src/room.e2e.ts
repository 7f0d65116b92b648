import { type SpawnedServer, spawnServer, type TestPattern } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signedInContext } from './browser.ts';
import { clientFor, pushToRoom, untilLive } from './creator.ts';

async function pageAs(browser: Browser, server: SpawnedServer, handle: string): Promise<Page> {
  return (await signedInContext(browser, server, handle, { width: 1280, height: 800 })).newPage();
}

describe('a LIVE room in two browsers', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let host: Page;
  let viewer: Page;
  let push: TestPattern | undefined;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    host = await pageAs(browser, server, 'hana');
    viewer = await pageAs(browser, server, 'vic');
    const api = await clientFor(server, 'hana');
    await api.updateRoom({ title: 'Pasta night' });
    push = await pushToRoom(server, api);
    await untilLive(api, 'hana');
  });
  afterAll(async () => {
    await push?.stop();
    await browser?.close();
    await server?.stop();
  });

  const chat = (page: Page) => page.getByRole('log', { name: 'LIVE chat' });

  it('the viewer comments and taps hearts; the host sees both', async () => {
    await host.goto(`${server.url}/@hana/live`);
    await viewer.goto(`${server.url}/@hana/live`);
    await chat(host).waitFor();
    await chat(viewer).waitFor();

    await viewer.getByLabel('Add a comment').fill('Can you show the sauce?');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() =>
        host
          .locator('[data-testid="chat-comment"][data-author="vic"]')
          .filter({ hasText: 'Can you show the sauce?' })
          .count(),
      )
      .toBe(1);

    const hearts = host.getByTestId('floating-hearts');
    for (let i = 0; i < 5; i++) await viewer.getByRole('button', { name: 'Send a heart' }).click();
    await expect
      .poll(async () => Number(await hearts.getAttribute('data-count')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await host.getByTestId('viewer-count').getAttribute('data-count')), {
        timeout: 10_000,
      })
      .toBe(2);
    await screenshot(host, 'room-host');
  });

  it('a comment the host deletes disappears for both', async () => {
    await viewer.getByLabel('Add a comment').fill('delete me please');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    const onHost = host.locator('[data-testid="chat-comment"]').filter({ hasText: 'delete me please' });
    await expect.poll(() => onHost.count()).toBe(1);
    await onHost.getByTestId('comment-menu-button').click();
    await host.locator('[role="menuitem"][data-action="delete"]').click();
    await expect.poll(() => onHost.count()).toBe(0);
    await expect
      .poll(() =>
        viewer.locator('[data-testid="chat-comment"]').filter({ hasText: 'delete me please' }).count(),
      )
      .toBe(0);
  });

  it('a muted viewer sees why their comment was refused', async () => {
    const onHost = host.locator('[data-testid="chat-comment"][data-author="vic"]').first();
    await onHost.getByTestId('comment-menu-button').click();
    await host
      .locator('[role="menuitem"][data-action="mute-5"], [role="menuitem"][data-action^="mute"]')
      .first()
      .click();
    await viewer.getByLabel('Add a comment').fill('hello?');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => viewer.getByTestId('chat-error').getAttribute('data-code'), { timeout: 10_000 })
      .toBe('chat.muted');
    await screenshot(viewer, 'room-viewer-muted');
  });
});
