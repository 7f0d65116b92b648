import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createMedia } from '../media/media.ts';
import { fakeWebDist, TEST_SECRET } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { eventually } from '../test/eventually.ts';
import { appDirectives, CSP_REPORT_PATH, docsDirectives, serializePolicy } from './security-headers.ts';

/** The full app with the real media routes (not started: no RTMP port), logging warnings to `lines`. */
async function appWithMedia(database: TestDatabaseHandle, env: Record<string, string>, lines: string[]) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'onair-headers-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    WEB_DIST: await fakeWebDist(),
    LOGIN_RATE_LIMIT: '1000',
    ...env,
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  let hlsDir = '';
  const app = await buildApp({
    config,
    db: database.db,
    logger,
    secretKey: TEST_SECRET,
    media: async (instance, { live }) => {
      const media = createMedia({
        config,
        log: logger,
        hooks: live.hooks,
        streamKeyFor: async () => null,
        onThumbnail: () => {},
      });
      hlsDir = media.hlsDir;
      await instance.register(media.routes.plugin, media.routes.options);
    },
  });
  await app.ready();
  return { app, hlsDir };
}

const APP_CSP = serializePolicy(appDirectives('http://localhost:8080'));

/** What every response carries, whatever produced it. */
function expectBaseline(res: LightMyRequestResponse, csp = APP_CSP) {
  expect(res.headers['content-security-policy']).toBe(csp);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['x-powered-by']).toBeUndefined();
  // Plain http: a browser would pin the host to https for a year and lose a LAN install.
  expect(res.headers['strict-transport-security']).toBeUndefined();
}

describe.each(testDatabases())('security headers on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let hlsDir: string;
  const logged: string[] = [];

  beforeAll(async () => {
    database = await kind.create();
    ({ app, hlsDir } = await appWithMedia(database, { PUBLIC_URL: 'http://localhost:8080' }, logged));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('the web app runs under a policy with no inline script and no framing', async () => {
    const csp = APP_CSP;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' ws://localhost:8080;");
    expect(csp).toContain("media-src 'self' blob:");
    expect(csp).toContain(`report-uri ${CSP_REPORT_PATH}`);
    expect(csp).not.toContain('unsafe');
    expect(csp).not.toContain('upgrade-insecure-requests');

    const index = await app.inject('/');
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expectBaseline(index);
    expectBaseline(await app.inject('/@someone/live'));
    expectBaseline(await app.inject('/assets/app-abc123.js'));
  });

  it('JSON answers, errors and 404s carry the same headers', async () => {
    const feed = await app.inject('/api/v1/feed');
    expect(feed.statusCode).toBe(200);
    expectBaseline(feed);
    // Refused by the auth hook, before any handler.
    const unauthorized = await app.inject('/api/v1/me');
    expect(unauthorized.statusCode).toBe(401);
    expectBaseline(unauthorized);
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"handle":',
    });
    expect(malformed.json().error.code).toBe('request.malformed_json');
    expectBaseline(malformed);
    const missing = await app.inject('/api/v1/nope');
    expect(missing.statusCode).toBe(404);
    expectBaseline(missing);
    expectBaseline(await app.inject('/assets/missing-123.js'));
    // Refused before routing (no hook runs there).
    const badUrl = await app.inject('/api/v1/users/%E0%A4%A');
    expect(badUrl.json().error.code).toBe('request.bad_url');
    expectBaseline(badUrl);
  });

  it('the API docs get their own policy: inline styles for swagger-ui there, and only there', async () => {
    const docsCsp = serializePolicy(docsDirectives('http://localhost:8080'));
    expect(docsCsp).toContain("style-src 'self' 'unsafe-inline'");
    expect(docsCsp).toContain("script-src 'self';");
    for (const url of ['/api/docs', '/api/docs/static/index.html', '/api/docs/static/swagger-ui.css']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBeLessThan(400);
      expectBaseline(res, docsCsp);
    }
    expectBaseline(await app.inject('/api/docs/json'), docsCsp);
  });

  it('HLS playlists and segments carry them too, readable by players on other sites', async () => {
    const streamId = randomUUID();
    await mkdir(path.join(hlsDir, streamId), { recursive: true });
    await writeFile(path.join(hlsDir, streamId, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n');
    await writeFile(path.join(hlsDir, streamId, 'seg1.ts'), Buffer.alloc(188, 0x47));

    for (const url of [`/live/${streamId}/index.m3u8`, `/live/${streamId}/seg1.ts`]) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expectBaseline(res);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }
    const notLive = await app.inject(`/live/${randomUUID()}.flv`);
    expect(notLive.statusCode).toBe(404);
    expectBaseline(notLive);
    // Everything else stays same-origin.
    expect((await app.inject('/api/v1/feed')).headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('takes violation reports in both browser formats and logs them at warn', async () => {
    const legacy = await app.inject({
      method: 'POST',
      url: CSP_REPORT_PATH,
      headers: { 'content-type': 'application/csp-report' },
      payload: JSON.stringify({
        'csp-report': {
          'document-uri': 'http://localhost:8080/@ana/live',
          'effective-directive': 'worker-src',
          'blocked-uri': 'blob',
          'source-file': 'http://localhost:8080/assets/hls.light.js',
          'line-number': 7,
        },
      }),
    });
    expect(legacy.statusCode).toBe(204);
    expectBaseline(legacy);
    const batch = await app.inject({
      method: 'POST',
      url: CSP_REPORT_PATH,
      headers: { 'content-type': 'application/reports+json' },
      payload: JSON.stringify([
        {
          type: 'csp-violation',
          url: 'http://localhost:8080/',
          body: {
            documentURL: 'http://localhost:8080/',
            effectiveDirective: 'img-src',
            blockedURL: 'ftp://x',
          },
        },
        { type: 'deprecation', body: { id: 'something' } },
      ]),
    });
    expect(batch.statusCode).toBe(204);

    const reported = () =>
      logged.map((l) => JSON.parse(l)).filter((l) => l.msg === 'content security policy violation reported');
    const [first, second] = await eventually('both reports logged', () => {
      const lines = reported();
      return lines.length === 2 && lines;
    });
    expect(first).toMatchObject({
      level: 40,
      csp: { directive: 'worker-src', blocked: 'blob', line: 7, document: 'http://localhost:8080/@ana/live' },
    });
    expect(second).toMatchObject({ level: 40, csp: { directive: 'img-src', blocked: 'ftp://x' } });
  });

  it('answers a bad report with a 4xx, never a 5xx', async () => {
    const post = (contentType: string, payload: string) =>
      app.inject({ method: 'POST', url: CSP_REPORT_PATH, headers: { 'content-type': contentType }, payload });
    expect((await post('application/csp-report', '{not json')).json().error.code).toBe(
      'request.malformed_json',
    );
    expect((await post('application/csp-report', '{"csp":1}')).json().error.code).toBe('request.invalid');
    expect((await post('application/reports+json', '{}')).json().error.code).toBe('request.invalid');
    const huge = JSON.stringify({ 'csp-report': { 'script-sample': 'x'.repeat(20_000) } });
    expect((await post('application/csp-report', huge)).statusCode).toBe(413);
    expect((await post('text/plain', '{}')).statusCode).toBe(415);
  });

  it('limits reports per client address', async () => {
    const report = JSON.stringify({ 'csp-report': { 'effective-directive': 'img-src' } });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await app.inject({
        method: 'POST',
        url: CSP_REPORT_PATH,
        remoteAddress: '10.9.8.7',
        headers: { 'content-type': 'application/csp-report' },
        payload: report,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 204)).toHaveLength(30);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe.each(testDatabases())('security headers behind https on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    ({ app } = await appWithMedia(database, { PUBLIC_URL: 'https://live.example.com' }, []));
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('adds HSTS, upgrades requests and reports through the Reporting API', async () => {
    const res = await app.inject('/');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' wss://live.example.com;");
    expect(csp).toContain('upgrade-insecure-requests');
    expect(csp).toContain('report-to csp');
    expect(res.headers['reporting-endpoints']).toBe('csp="https://live.example.com/api/v1/csp-report"');
    const error = await app.inject('/api/v1/me');
    expect(error.statusCode).toBe(401);
    expect(error.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
