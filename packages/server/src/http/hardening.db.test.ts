import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { handle as newHandle, signup, testApp } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { testBackends } from '../test/redis.ts';

/**
 * Repros of the findings of an attack on the server from outside (HTTP only here; the WebSocket ones
 * are in realtime/hardening.ws.db.test.ts). Each failed on the code before the fix.
 */
const NUL = 'a\u0000b';
const rand = () => randomBytes(3).toString('hex');

describe.each(testDatabases())('hardening over HTTP ($name)', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let base: string;
  let user: Awaited<ReturnType<typeof signup>>;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, {
      PUBLIC_URL: 'https://onair.example',
      ALLOWED_ORIGINS: 'https://studio.example',
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    user = await signup(app);
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: user.auth });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const me = async () => {
    const res = await app.inject({ url: '/api/v1/me', headers: user.auth });
    expect(res.statusCode).toBe(200);
    return res.json() as { handle: string; displayName: string; bio: string };
  };

  it('refuses U+0000 in every text field with a coded 400 and changes nothing (finding 3)', async () => {
    const before = await me();
    const room = (await app.inject({ url: '/api/v1/me/room', headers: user.auth })).json();
    const tries = [
      {
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { handle: newHandle(), password: 'long enough pw', displayName: NUL },
      },
      { method: 'POST', url: '/api/v1/auth/login', payload: { handle: NUL, password: 'whatever pw' } },
      { method: 'PATCH', url: '/api/v1/me', headers: user.auth, payload: { displayName: NUL } },
      { method: 'PATCH', url: '/api/v1/me', headers: user.auth, payload: { bio: NUL } },
      { method: 'POST', url: '/api/v1/me/tokens', headers: user.auth, payload: { name: NUL } },
      { method: 'PATCH', url: '/api/v1/me/room', headers: user.auth, payload: { title: NUL } },
      {
        method: 'POST',
        url: '/api/v1/comments/00000000-0000-4000-8000-000000000000/report',
        headers: user.auth,
        payload: { reason: NUL },
      },
    ] as const;
    for (const t of tries) {
      const res = await app.inject(t as never);
      expect(res.statusCode, `${t.method} ${t.url}`).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
      expect(res.json().error.message).toMatch(/control characters/);
    }
    expect(await me()).toEqual(before);
    expect((await app.inject({ url: '/api/v1/me/room', headers: user.auth })).json()).toEqual(room);
    const tokens = (await app.inject({ url: '/api/v1/me/tokens', headers: user.auth })).json().tokens;
    expect(tokens.some((t: { name: string }) => t.name.includes('\u0000'))).toBe(false);
  });

  it('refuses cookie-authenticated writes from another site, and lets bearer tokens and our own pages through (finding 4)', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { handle: user.user.handle, password: user.password },
    });
    const cookie = { cookie: `onair_session=${login.cookies[0]!.value}` };
    const patch = (headers: Record<string, string>, bio: string) =>
      app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { ...cookie, ...headers },
        payload: { bio },
      });

    const evil = await patch({ origin: 'https://evil.example' }, 'pwned');
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('request.cross_origin');
    expect((await patch({ 'sec-fetch-site': 'cross-site' }, 'pwned')).statusCode).toBe(403);
    expect((await patch({ origin: 'null' }, 'pwned')).statusCode).toBe(403);
    expect((await me()).bio).not.toBe('pwned');

    expect((await patch({ origin: 'https://onair.example' }, 'from PUBLIC_URL')).statusCode).toBe(200);
    expect((await patch({ origin: 'https://studio.example' }, 'from ALLOWED_ORIGINS')).statusCode).toBe(200);
    expect((await patch({ 'sec-fetch-site': 'same-origin' }, 'same origin')).statusCode).toBe(200);
    expect((await patch({}, 'not a browser')).statusCode).toBe(200);
    // The Host the request was sent to is ours too (a server reached by its address, not PUBLIC_URL).
    const host = new URL(base).host;
    expect((await patch({ origin: `http://${host}`, host }, 'same host')).statusCode).toBe(200);
    const bearer = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...user.auth, origin: 'https://tool.example' },
      payload: { bio: 'bearer' },
    });
    expect(bearer.statusCode).toBe(200);
    // Reads are never refused for their origin.
    expect(
      (await app.inject({ url: '/api/v1/me', headers: { ...cookie, origin: 'https://evil.example' } }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a WebSocket upgrade carrying the cookie from another site (finding 4)', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { handle: user.user.handle, password: user.password },
    });
    const cookie = `onair_session=${login.cookies[0]!.value}`;
    const url = `${base.replace('http', 'ws')}/api/v1/ws`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie, origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);
    const accepted = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie, origin: new URL(base).origin } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
    });
    expect(accepted).toBe(101);
  });

  it('answers framework-level failures with coded bodies (finding 7)', async () => {
    const badUrl = await app.inject({ url: '/api/v1/users/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.code).toBe('request.bad_url');

    // Over Node's header limit: answered by the HTTP parser before Fastify, still in our shape.
    const raw = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { headers }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const longUrl = await raw(`/api/v1/users/${'x'.repeat(20_000)}`);
    expect([414, 431]).toContain(longUrl.status);
    expect(JSON.parse(longUrl.body).error.code).toMatch(/^request\.(url_too_long|headers_too_large)$/);
    const bigHeader = await raw('/healthz', { 'x-filler': 'y'.repeat(20_000) });
    expect(bigHeader.status).toBe(431);
    expect(JSON.parse(bigHeader.body).error.code).toBe('request.headers_too_large');
    // A long id inside the limit is an ordinary 404/400 with a code.
    const longId = await app.inject({ url: `/api/v1/users/${'x'.repeat(2000)}` });
    expect(longId.statusCode).toBeLessThan(500);
    expect(longId.json().error.code).toMatch(/^(route\.not_found|request\.invalid|user\.not_found)$/);
  });

  it('limits how many API tokens one user creates an hour', async () => {
    const limited = await testApp(database, { TOKEN_RATE_LIMIT: '2' });
    try {
      const owner = await signup(limited);
      const create = () =>
        limited.inject({
          method: 'POST',
          url: '/api/v1/me/tokens',
          headers: owner.auth,
          payload: { name: 'bot' },
        });
      expect([(await create()).statusCode, (await create()).statusCode]).toEqual([201, 201]);
      const third = await create();
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('request.rate_limited');
      const list = await limited.inject({ url: '/api/v1/me/tokens', headers: owner.auth });
      expect(list.json().tokens.filter((t: { name: string }) => t.name === 'bot')).toHaveLength(2);
      // Another user's budget is their own.
      const other = await signup(limited);
      const theirs = await limited.inject({
        method: 'POST',
        url: '/api/v1/me/tokens',
        headers: other.auth,
        payload: { name: 'bot' },
      });
      expect(theirs.statusCode).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('keeps /metrics from the public: loopback only, or the METRICS_TOKEN (finding 8)', async () => {
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      app.inject({ url: '/metrics', remoteAddress, headers });
    expect((await from('127.0.0.1')).statusCode).toBe(200);
    const outside = await from('203.0.113.9');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('auth.forbidden');
    expect((await from('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403);

    const token = `metrics-${rand()}-${rand()}-${rand()}`;
    const guarded = await testApp(database, { METRICS_TOKEN: token });
    try {
      const get = (headers: Record<string, string>) =>
        guarded.inject({ url: '/metrics', remoteAddress: '203.0.113.9', headers });
      expect((await get({})).statusCode).toBe(403);
      expect((await get({ authorization: 'Bearer wrong-token-of-some-length' })).statusCode).toBe(403);
      const ok = await get({ authorization: `Bearer ${token}` });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('onair_http_request_duration_seconds');
    } finally {
      await guarded.close();
    }
  });
});

describe.each(testBackends())('password guessing ($name store, finding 2)', (backend) => {
  let database: TestDatabaseHandle;
  beforeAll(async () => {
    database = await testDatabases()[0]!.create();
  });
  afterAll(() => database?.drop());

  it('ignores a client-chosen X-Forwarded-For, and limits failures per handle from any address across nodes', async () => {
    const redis = backend.connect();
    const env = { LOGIN_RATE_LIMIT: '1000', LOGIN_HANDLE_FAILURES: '4' };
    const direct = await testApp(database, { LOGIN_RATE_LIMIT: '3' }, redis);
    const nodeA = await testApp(database, { ...env, TRUST_PROXY: '127.0.0.1' }, redis);
    const nodeB = await testApp(database, { ...env, TRUST_PROXY: '127.0.0.1' }, redis);
    try {
      const password = 'correct horse battery';
      // Two accounts: on Redis every app shares the per-handle counts, so the first part's failures
      // would otherwise eat into the second part's budget.
      const spoofedVictim = `spoof_${rand()}`;
      const victim = `guess_${rand()}`;
      await nodeA.services.accounts.signup({ handle: spoofedVictim, password }, 'test');
      await nodeA.services.accounts.signup({ handle: victim, password }, 'test');
      const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

      // Without TRUST_PROXY the header is ignored: every attempt counts against the socket's address.
      const spoofed = [];
      for (let i = 0; i < 4; i++) {
        const res = await direct.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: ip,
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
          payload: { handle: spoofedVictim, password: `guess-${i}` },
        });
        spoofed.push(res.statusCode);
      }
      expect(spoofed).toEqual([401, 401, 401, 429]);

      // Behind a trusted proxy every attempt may come from a new address: the handle's own budget
      // still runs out, on both nodes, and then even the right password waits.
      const attempt = (app: FastifyInstance, i: number, pw: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
          payload: { handle: victim, password: pw },
        });
      const codes = [];
      // Alternating nodes shares the budget only through Redis; in-process, one node takes them all.
      const nodeFor = (i: number) => (redis && i % 2 ? nodeB : nodeA);
      for (let i = 0; i < 4; i++) codes.push((await attempt(nodeFor(i), i, `nope-${i}`)).statusCode);
      expect(codes).toEqual([401, 401, 401, 401]);
      const locked = await attempt(nodeFor(1), 9, password);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('request.rate_limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.cookies).toHaveLength(0);
    } finally {
      await direct.close();
      await nodeA.close();
      await nodeB.close();
      await redis?.quit();
    }
  });
});
