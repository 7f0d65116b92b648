import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, type SpawnedServer, spawnServer } from '@onair/server/testing';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser.ts';
import { appProfile, cachedPaths, iconPixels, type ManifestIcon, pngSize } from './pwa.ts';

const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist', import.meta.url));
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** What the service worker must leave to the network: the same list as in packages/web/src/pwa/sw.js. */
const NEVER_CACHED = /^\/(api|live|metrics|healthz|readyz)(\/|$)|\.(m3u8|ts|flv|m4s)$/;

describe('OnAir as an installable app', () => {
  let server: SpawnedServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await spawnServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('links a manifest with what an install needs, and icons that are the sizes they claim', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const href = (rel: string) => new RegExp(`<link rel="${rel}" href="([^"]+)"`).exec(html)?.[1];
    const themeColor = /<meta name="theme-color" content="([^"]+)"/.exec(html)?.[1];
    const manifestUrl = new URL(href('manifest') ?? 'missing:', server.url);

    const res = await fetch(manifestUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = await res.json();
    expect(manifest).toMatchObject({
      id: '/',
      name: 'OnAir',
      short_name: 'OnAir',
      display: 'standalone',
      start_url: '/',
      scope: '/',
      theme_color: themeColor,
      background_color: '#000000',
    });
    expect(manifest.description).toMatch(/LIVE/);

    const icons: ManifestIcon[] = manifest.icons;
    const appleTouch = href('apple-touch-icon');
    const expected = [
      { src: '/icons/icon-192.png', size: 192, purpose: 'any' },
      { src: '/icons/icon-512.png', size: 512, purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', size: 512, purpose: 'maskable' },
    ];
    expect(icons.map((i) => [i.src, i.sizes, i.purpose])).toEqual(
      expected.map((i) => [i.src, `${i.size}x${i.size}`, i.purpose]),
    );
    for (const { src, size } of [...expected, { src: appleTouch ?? 'missing', size: 180 }]) {
      const icon = await fetch(new URL(src, manifestUrl));
      expect(icon.status, src).toBe(200);
      expect(icon.headers.get('content-type'), src).toBe('image/png');
      expect(pngSize(Buffer.from(await icon.arrayBuffer())), src).toEqual({ width: size, height: size });
    }

    // The pixels: a maskable icon is full bleed with the mark inside the central 80 % circle, which
    // any launcher mask keeps; the others are not blank.
    const page = await browser.newPage();
    await page.goto(`${server.url}/offline.html`);
    const pixels = await iconPixels(page, [...expected.map((i) => i.src), appleTouch!]);
    await page.context().close();
    expect(pixels['/icons/icon-maskable-512.png']).toMatchObject({ outsideSafeZone: 0, opaqueCorners: true });
    expect(pixels[appleTouch!]?.opaqueCorners).toBe(true);
    for (const [src, { inked }] of Object.entries(pixels)) expect(inked, src).toBeGreaterThan(1000);
  });

  it('replaces the worker and drops the old cache when a new build is deployed', async () => {
    // A server of its own on a copy of the build, so this test can deploy a new sw.js under it.
    const dist = await mkdtemp(path.join(tmpdir(), 'onair-pwa-dist-'));
    await cp(WEB_DIST, dist, { recursive: true });
    const deployed = await spawnServer({ WEB_DIST: dist });
    try {
      const page = await browser.newPage({ viewport: PHONE });
      await page.goto(`${deployed.url}/`);
      await eventually('the worker to control the page', () =>
        page.evaluate(() => navigator.serviceWorker.controller !== null),
      );
      const cacheNames = () => page.evaluate(() => caches.keys());
      const [before, ...others] = await cacheNames();
      expect(others).toEqual([]);
      expect(before).toMatch(/^onair-shell-[0-9a-f]{12}$/);

      // What a build that changed anything writes: the same sw.js under a new version.
      const sw = path.join(dist, 'sw.js');
      await writeFile(
        sw,
        (await readFile(sw, 'utf8')).replace(/"version":"([0-9a-f]+)"/, '"version":"$1next"'),
      );
      await page.evaluate(async () => {
        const taken = new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('controllerchange', resolve),
        );
        await (await navigator.serviceWorker.ready).update();
        await taken;
      });
      const after = await eventually('the old cache to be deleted', async () => {
        const names = await cacheNames();
        return !names.includes(before!) && names;
      });
      expect(after).toEqual([`${before}next`]);
      await page.context().close();
    } finally {
      await deployed.stop();
      await rm(dist, { recursive: true, force: true });
    }
  });

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    describe(`in a chromium profile (${name})`, () => {
      let profile: Awaited<ReturnType<typeof appProfile>>;
      let page: Page;

      beforeAll(async () => {
        profile = await appProfile(viewport);
        page = profile.context.pages()[0] ?? (await profile.context.newPage());
        await page.addInitScript(() => {
          const w = window as unknown as { __installPrompts: number };
          w.__installPrompts = 0;
          window.addEventListener('beforeinstallprompt', () => w.__installPrompts++);
        });
      });
      afterAll(async () => {
        await profile?.close();
      });

      it('registers /sw.js, which controls the page after a reload; chromium finds the app installable', async () => {
        await page.goto(`${server.url}/`);
        const registered = await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.ready;
          return { scope: registration.scope, script: registration.active?.scriptURL };
        });
        expect(registered).toEqual({ scope: `${server.url}/`, script: `${server.url}/sw.js` });

        await page.reload();
        expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
          `${server.url}/sw.js`,
        );
        const cdp = await profile.context.newCDPSession(page);
        expect(await cdp.send('Page.getInstallabilityErrors')).toEqual({ installabilityErrors: [] });
        expect((await cdp.send('Page.getAppManifest')).errors).toEqual([]);
        await cdp.detach();
      });

      it('offers "Install OnAir" once chromium says it may, and remembers "Not now"', async () => {
        const banner = page.getByTestId('install-banner');
        await banner.waitFor();
        expect(await banner.textContent()).toContain('Install OnAir');
        await screenshot(page, `pwa-install-${name}`);

        await page.getByTestId('install-dismiss').click();
        await banner.waitFor({ state: 'detached' });
        await page.reload();
        // Chromium offers the install again on the new page; the app keeps the banner away.
        await eventually('chromium to offer the install again', () =>
          page.evaluate(() => (window as unknown as { __installPrompts: number }).__installPrompts > 0),
        );
        await page.getByRole('navigation', { name: 'Main' }).waitFor();
        expect(await banner.count()).toBe(0);
      });

      it('answers the shell from its cache, and never API, media or ops responses', async () => {
        const responses: Response[] = [];
        page.on('response', (r) => responses.push(r));
        const feed = page.waitForResponse((r) => r.url().includes('/api/v1/feed'));
        await page.reload();
        await feed;
        // The page's own fetches of the kinds that must pass through untouched.
        await page.evaluate(async () => {
          for (const url of [
            '/api/v1/feed?tab=foryou&limit=1',
            '/healthz',
            '/live/none.m3u8',
            '/live/none.flv',
          ])
            await fetch(url).catch(() => null);
        });
        page.removeAllListeners('response');

        const seen = responses.map((r) => ({ path: new URL(r.url()).pathname, sw: r.fromServiceWorker() }));
        const passedThrough = seen.filter((r) => NEVER_CACHED.test(r.path));
        expect(passedThrough.map((r) => r.path)).toEqual(
          expect.arrayContaining(['/api/v1/feed', '/healthz', '/live/none.m3u8', '/live/none.flv']),
        );
        expect(passedThrough.filter((r) => r.sw)).toEqual([]);
        const assets = seen.filter((r) => r.path.startsWith('/assets/'));
        expect(assets.length).toBeGreaterThan(0);
        expect(assets.filter((r) => !r.sw)).toEqual([]);

        const cached = await cachedPaths(page);
        expect(cached.filter((p) => NEVER_CACHED.test(p))).toEqual([]);
        expect(cached).toEqual(expect.arrayContaining(['/', '/offline.html', ...assets.map((a) => a.path)]));
      });

      it('starts offline from the cache, and shows the offline page for a page never visited', async () => {
        await page.goto(`${server.url}/following`);
        await page.getByRole('navigation', { name: 'Main' }).waitFor();
        await profile.context.setOffline(true);
        try {
          for (const visited of ['/', '/following']) {
            await page.goto(`${server.url}${visited}`);
            await page.getByRole('navigation', { name: 'Main' }).waitFor();
            expect(await page.getByTestId('offline-page').count(), visited).toBe(0);
          }

          await page.goto(`${server.url}/tag/neverseen`);
          await page.getByTestId('offline-page').waitFor();
          expect(await page.title()).toBe('Offline · OnAir');
          await screenshot(page, `pwa-offline-${name}`);
          await Promise.all([page.waitForEvent('load'), page.getByTestId('offline-retry').click()]);
          await page.getByTestId('offline-page').waitFor();
        } finally {
          await profile.context.setOffline(false);
        }
        // Back online, the offline page loads the page that was asked for by itself.
        await page.getByTestId('tag-title').waitFor();
        expect(await page.getByTestId('tag-title').textContent()).toBe('#neverseen');
      });

      it('shows a push once per tag, opens its page (same origin only) on a tap, and reads bad payloads as a generic one', async () => {
        await profile.context.grantPermissions(['notifications'], { origin: server.url });
        await eventually('the permission to reach the page', () =>
          page.evaluate(() => Notification.permission === 'granted'),
        );
        await eventually('the permission to reach the page', () =>
          page.evaluate(() => Notification.permission === 'granted'),
        );
        const cdp = await profile.context.newCDPSession(page);
        const registrations: { registrationId: string; scopeURL: string }[] = [];
        cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
        await cdp.send('ServiceWorker.enable');
        const { registrationId } = await eventually('the registration to be reported', () =>
          registrations.find((r) => r.scopeURL === `${server.url}/`),
        );
        // Chromium's own push delivery into the worker, as a push service's message would arrive.
        // Now and then (about one run in five here, always around a page load) chromium drops a
        // message sent this way; a push service redelivers what is not acknowledged, so does this,
        // which the tag makes harmless: a copy replaces, never adds.
        const delivered = async <T>(
          data: string,
          what: string,
          probe: () => Promise<T | undefined | false>,
        ) => {
          let last = 0;
          return eventually(
            what,
            async () => {
              if (Date.now() - last > 2_000) {
                last = Date.now();
                await cdp.send('ServiceWorker.deliverPushMessage', {
                  origin: server.url,
                  registrationId,
                  data,
                });
              }
              return probe();
            },
            { timeoutMs: 15_000 },
          );
        };
        const shown = () =>
          page.evaluate(async () =>
            (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
              title: n.title,
              body: n.body,
              tag: n.tag,
              icon: new URL(n.icon).pathname,
              data: n.data,
            })),
          );
        const payload = {
          kind: 'live',
          title: 'Ana is LIVE',
          body: 'Come say hi',
          url: '/@ana/live',
          tag: `live:ana:${name}`,
          sentAt: new Date().toISOString(),
        };

        await delivered(JSON.stringify(payload), 'the notification', async () =>
          (await shown()).some((n) => n.tag === payload.tag),
        );
        // The same message delivered again replaces the first instead of adding a second.
        const mine = await delivered(
          JSON.stringify({ ...payload, body: 'second copy' }),
          'the copy to replace the first',
          async () => {
            const list = (await shown()).filter((n) => n.tag === payload.tag);
            return list.some((n) => n.body === 'second copy') && list;
          },
        );
        expect(mine).toEqual([
          {
            title: 'Ana is LIVE',
            body: 'second copy',
            tag: payload.tag,
            icon: '/icons/icon-192.png',
            data: { url: '/@ana/live', kind: 'live' },
          },
        ]);

        // A tap, as chromium dispatches it in the worker: the window goes to the page the push names,
        // and to the feed for anything not on this origin.
        const worker = await eventually('the service worker', () =>
          profile.context.serviceWorkers().find((w) => w.url() === `${server.url}/sw.js`),
        );
        const tap = (tag: string) =>
          worker.evaluate(async (tag) => {
            const scope = self as unknown as {
              registration: ServiceWorkerRegistration;
              NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
            };
            const [notification] = await scope.registration.getNotifications({ tag });
            if (!notification) throw new Error(`no notification tagged ${tag}`);
            self.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
          }, tag);
        await tap(payload.tag);
        await page.waitForURL(`${server.url}/@ana/live`);
        expect((await shown()).filter((n) => n.tag === payload.tag)).toEqual([]);
        const elsewhere = { ...payload, url: '//evil.example/phish', tag: `phish:${name}` };
        await delivered(JSON.stringify(elsewhere), 'the second notification', async () =>
          (await shown()).some((n) => n.tag === elsewhere.tag),
        );
        await tap(elsewhere.tag);
        await page.waitForURL(`${server.url}/`);

        const generic = await delivered('not json {', 'a generic notification', async () =>
          (await shown()).find((n) => n.tag === 'onair-generic'),
        );
        expect(generic).toMatchObject({ title: 'OnAir', data: { url: '/' } });
        await cdp.detach();
      });
    });
  }
});
