import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeWebDist, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { creator, goLive, scheduleEvent } from './search.test-helpers.ts';

const meta = (html: string, key: string) =>
  new RegExp(`<meta (?:property|name)="${key.replace(':', '\\:')}" content="([^"]*)">`).exec(html)?.[1];

describe.each(testDatabases())('share cards on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let eventId: string;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { WEB_DIST: await fakeWebDist(), PUBLIC_URL: 'https://onair.example' });
    const sneaky = await creator(app, 'sneaky', {
      displayName: 'Evil "</title><script>x</script>',
      bio: 'Tom & Jerry <b>',
    });
    await creator(app, 'calm_carl', { displayName: 'Carl' });
    await goLive(app, sneaky, { title: 'Quote " and <tag> & more', hashtags: ['fun'] });
    eventId = await scheduleEvent(database.db, sneaky.user.id, {
      title: 'Cooking <live>',
      startsAt: new Date('2030-06-01T18:00:00Z'),
      timeZone: 'Asia/Tokyo',
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('gives a profile Open Graph and Twitter tags, escaped, and no script', async () => {
    const res = await app.inject({ url: '/@sneaky' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(meta(html, 'og:title')).toBe('Evil &quot;&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; (@sneaky)');
    expect(meta(html, 'og:description')).toBe('0 followers · Tom &amp; Jerry &lt;b&gt;');
    expect(meta(html, 'og:url')).toBe('https://onair.example/@sneaky');
    expect(meta(html, 'og:type')).toBe('profile');
    expect(meta(html, 'twitter:card')).toBe('summary_large_image');
    expect(html).not.toContain('<script');
    expect(html).toContain('<div id="root"></div>');
    expect(html.match(/<title>/g)).toHaveLength(1);
  });

  it('marks a LIVE as LIVE now', async () => {
    const html = (await app.inject({ url: '/@sneaky/live' })).body;
    expect(meta(html, 'og:title')).toMatch(/^🔴 LIVE now: Evil &quot;/);
    expect(meta(html, 'og:description')).toBe('Quote &quot; and &lt;tag&gt; &amp; more');
    expect(meta(html, 'og:url')).toBe('https://onair.example/@sneaky/live');
    // No avatar and no thumbnail yet: no image tag rather than a broken one.
    expect(meta(html, 'og:image')).toBeUndefined();
  });

  it('shows an event at its time in its own zone', async () => {
    const html = (await app.inject({ url: `/events/${eventId}` })).body;
    expect(meta(html, 'og:title')).toBe(
      'Cooking &lt;live&gt; · Evil &quot;&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; (@sneaky)',
    );
    expect(meta(html, 'og:description')).toBe('Scheduled LIVE · Sun, Jun 2, 2030, 3:00 AM GMT+9');
    expect(meta(html, 'og:url')).toBe(`https://onair.example/events/${eventId}`);
  });

  it('uses the avatar as the picture', async () => {
    const carl = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'calm_carl', password: 'correct horse battery' },
    });
    await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${carl.json().token}` },
      payload: { avatarUrl: 'https://img.example/carl.png?a=1&b=2' },
    });
    const html = (await app.inject({ url: '/@calm_carl' })).body;
    expect(meta(html, 'og:image')).toBe('https://img.example/carl.png?a=1&amp;b=2');
    expect(meta(html, 'twitter:image')).toBe('https://img.example/carl.png?a=1&amp;b=2');
  });

  it('serves the plain app for unknown people, events and other pages', async () => {
    for (const url of [
      '/@nobody_here',
      '/@-not-valid-',
      '/events/00000000-0000-4000-8000-000000000000',
      '/events/x',
      '/wallet',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe('<!doctype html><title>OnAir</title><div id="root"></div>');
    }
  });
});
