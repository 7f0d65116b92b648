import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnedServer } from '@onair/server/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

export const SCREENSHOTS = fileURLToPath(new URL('../screenshots', import.meta.url));

/** Debian's chromium, headless, with nothing that tries to reach the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Logs a browser context in through the API and hands it the session cookie. */
export async function signedInContext(
  browser: Browser,
  server: SpawnedServer,
  handle: string,
  viewport = { width: 390, height: 844 },
) {
  const res = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, password: 'password123' }),
  });
  const cookie = /onair_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`signup of ${handle} failed: ${res.status}`);
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: 'onair_session', value: cookie, url: server.url }]);
  return context;
}
