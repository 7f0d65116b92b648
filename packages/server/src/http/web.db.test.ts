import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeWebDist, signup, testApp } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';

const INDEX = '<!doctype html><title>OnAir</title><div id="root"></div>';
const ogTitle = (html: string) => /<meta property="og:title" content="([^"]*)">/.exec(html)?.[1];

describe.each(testDatabases())('the web app routes on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    const dist = await fakeWebDist();
    await writeFile(path.join(dist, 'sw.js'), "self.addEventListener('fetch', () => {});");
    await writeFile(path.join(dist, 'manifest.webmanifest'), '{"name":"OnAir"}');
    await writeFile(path.join(dist, 'offline.html'), '<!doctype html><title>Offline</title>');
    app = await testApp(database, { WEB_DIST: dist, PUBLIC_URL: 'https://onair.example' });
    const dj = await signup(app, 'dj.max');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: dj.auth });
    await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: dj.auth,
      payload: { displayName: 'DJ Max' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('serves a profile whose handle holds a dot, with its share card, like any other', async () => {
    for (const url of ['/@dj.max', '/@dj.max/', '/@dj.max/live', '/@DJ.Max?ref=x']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(ogTitle(res.body), url).toMatch(/DJ Max/);
    }
  });

  it('serves the plain app for a dotted handle nobody has', async () => {
    const res = await app.inject({ url: '/@no.body' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
  });

  it('still answers 404 for missing files, including names no handle may take', async () => {
    for (const url of ['/favicon.ico', '/robots.txt', '/assets/missing.js', '/@.hidden', '/@a..b'])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    expect((await app.inject({ url: '/assets/app-abc123.js' })).statusCode).toBe(200);
  });

  it('serves the service worker and the manifest fresh on every check, with the types browsers require', async () => {
    const sw = await app.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.body).toContain("addEventListener('fetch'");

    const manifest = await app.inject({ url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(manifest.json()).toEqual({ name: 'OnAir' });

    // The rest of public/ keeps the default revalidation, hashed assets their year.
    expect((await app.inject({ url: '/offline.html' })).headers['cache-control']).toMatch(/max-age=0/);
    expect((await app.inject({ url: '/assets/app-abc123.js' })).headers['cache-control']).toMatch(
      /immutable/,
    );
  });

  it('answers a malformed escape in a page path with a coded 400, not a 500', async () => {
    const res = await app.inject({ url: '/@dj%E0%A4' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBeTypeOf('string');
  });
});
