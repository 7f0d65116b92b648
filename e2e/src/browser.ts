import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnedServer } from '@onair/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';

export const SCREENSHOTS = fileURLToPath(new URL('../screenshots', import.meta.url));

export interface CspViolation {
  page: string;
  /** How it was seen: the page's securitypolicyviolation event, or Chrome's console message. */
  via: 'event' | 'console';
  detail: string;
}

const violations: CspViolation[] = [];

/** The violations recorded since the last call, cleared: for a spec that provokes one on purpose. */
export function takeCspViolations(): CspViolation[] {
  return violations.splice(0);
}

function failOnViolations(when: string) {
  const found = takeCspViolations();
  if (found.length === 0) return;
  const lines = found.map((v) => `  ${v.page} (${v.via}): ${v.detail}`);
  throw new Error(`Content-Security-Policy violations ${when}:\n${lines.join('\n')}`);
}

// Registered on the spec file that imports this module (vitest evaluates it afresh per file), so
// every spec fails on a violation without asking: after the test it happened in, or at the end
// for one that arrives after its test (a report is delivered asynchronously).
afterEach(() => failOnViolations('during this test'));
afterAll(() => failOnViolations('after the last test'));

/**
 * Records every CSP violation in the context's pages: the `securitypolicyviolation` event (set up
 * by an init script, which CSP does not govern) and any console message about the policy (Chrome
 * logs blocked workers and connections there too).
 */
export async function watchCsp(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__onairCspViolation', ({ page }, detail: string) => {
    violations.push({ page: page.url(), via: 'event', detail });
  });
  await context.addInitScript(() => {
    const report = (window as unknown as { __onairCspViolation: (d: string) => void }).__onairCspViolation;
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        report(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}` +
            (e.sample ? ` (${e.sample})` : ''),
        ),
      true,
    );
  });
  context.on('console', (message) => {
    if (/content.security.policy/i.test(message.text())) {
      violations.push({ page: message.page()?.url() ?? '', via: 'console', detail: message.text() });
    }
  });
}

/** How every spec launches chromium (a persistent profile too: see pwa.ts). */
export const CHROMIUM = {
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
};

/**
 * Debian's chromium, headless, with nothing that tries to reach the network on its own. Every
 * context it opens (and so every page) runs under watchCsp.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch(CHROMIUM);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    return context;
  };
  // browser.newPage opens a context of its own through the same path.
  return browser;
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
