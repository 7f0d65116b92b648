import { type SpawnedServer, spawnServer } from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.ts';

describe('accounts in the browser', () => {
  let server: SpawnedServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const signupAt = async (handle: string, password: string, displayName?: string) => {
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Handle').fill(handle);
    if (displayName) await page.getByLabel('Display name').fill(displayName);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
  };

  it('a signed-out first visit logs nothing in the console: being signed out is not an error', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const visitor = await context.newPage();
    const logged: string[] = [];
    visitor.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logged.push(`${m.type()}: ${m.text()}`);
    });
    await visitor.goto(`${server.url}/`);
    await expect.poll(() => visitor.getByRole('link', { name: 'Sign up' }).count()).toBeGreaterThan(0);
    await visitor.goto(`${server.url}/studio`);
    await expect.poll(() => visitor.getByRole('heading', { name: 'Log in to OnAir' }).count()).toBe(1);
    expect(logged).toEqual([]);
    await context.close();
  });

  it('shows the server message for a sign-up the server refuses, and creates nothing', async () => {
    await signupAt('ana', 'short');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least 8 characters');
    const res = await fetch(`${server.url}/api/v1/users/ana`);
    expect(res.status).toBe(404);
  });

  it('signs up, lands on the feed signed in, and the first account is admin', async () => {
    await signupAt('ana', 'a long password', 'Ana Lima');
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('LIVE');
    await expect.poll(() => page.getByRole('link', { name: 'Your profile (@ana)' }).count()).toBe(1);
    await screenshot(page, 'accounts-feed-signed-in');
    const me = (await (await fetch(`${server.url}/api/v1/users/ana`)).json()) as { role: string };
    expect(me.role).toBe('admin');
  });

  it('edits the profile, and the public profile shows it after a reload', async () => {
    await page.goto(`${server.url}/settings/profile`);
    await page.getByLabel('Display name').fill('Ana on air');
    await page.getByLabel('Bio').fill('Cooking LIVE every Sunday');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Profile saved' }).count()).toBe(1);

    await page.goto(`${server.url}/@ana`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Ana on air');
    await expect.poll(() => page.getByText('Cooking LIVE every Sunday').count()).toBe(1);
    await screenshot(page, 'accounts-profile');
  });

  it('refuses an invalid avatar URL with the reason, keeping the saved profile', async () => {
    await page.goto(`${server.url}/settings/profile`);
    await page.getByLabel('Avatar URL').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Avatar URL/);
    const ana = (await (await fetch(`${server.url}/api/v1/users/ana`)).json()) as {
      avatarUrl: string | null;
      displayName: string;
    };
    expect(ana).toMatchObject({ avatarUrl: null, displayName: 'Ana on air' });
  });

  it('logs out, after which protected pages ask to log in', async () => {
    await page.goto(`${server.url}/@ana`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => page.getByRole('link', { name: 'Log in' }).count()).toBeGreaterThan(0);
    await page.goto(`${server.url}/studio`);
    await page.waitForURL(/\/login/);
  });

  it('shows a clear error for a wrong password, then logs in and returns where the user was going', async () => {
    await page.getByLabel('Handle').fill('ana');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong handle or password.');
    await screenshot(page, 'accounts-login-error');

    await page.getByLabel('Password').fill('a long password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/studio`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Studio');
  });

  it('offers a viewer a way to a studio, not a refusal', async () => {
    await page.context().clearCookies();
    await signupAt('ben_viewer', 'a long password');
    await page.waitForURL(`${server.url}/`);
    await page.goto(`${server.url}/studio`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Go LIVE to see your studio');
    expect(await page.getByText('You are not allowed to do that.').count()).toBe(0);
    await screenshot(page, 'accounts-studio-viewer');
    await page.getByRole('link', { name: 'Go LIVE', exact: true }).last().click();
    await page.waitForURL(`${server.url}/go-live`);
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
