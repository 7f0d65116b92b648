import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeWebDist, testApp } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';

describe.each(testDatabases())('server plumbing on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { WEB_DIST: await fakeWebDist() });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers /healthz and /readyz with the database check', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('exposes Prometheus metrics labelled by route pattern, not by URL', async () => {
    await app.inject('/api/v1/users/someone_here');
    const text = (await app.inject('/metrics')).body;
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(
      /onair_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:handle",status="404"\} 1/,
    );
  });

  it('publishes an OpenAPI document generated from the protocol schemas', async () => {
    const doc = (await app.inject('/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/me', '/api/v1/users/{handle}']),
    );
    const signup = doc.paths['/api/v1/auth/signup'].post;
    expect(signup.requestBody.content['application/json'].schema.properties.handle).toMatchObject({
      type: 'string',
      maxLength: 24,
    });
    expect((await app.inject('/api/docs')).statusCode).toBeLessThan(400);
  });

  it('echoes a sane caller request id and mints one otherwise', async () => {
    const given = await app.inject({ url: '/api/v1/nope', headers: { 'x-request-id': 'trace-12345678' } });
    expect(given.headers['x-request-id']).toBe('trace-12345678');
    expect(given.json()).toMatchObject({ error: { code: 'route.not_found' }, requestId: 'trace-12345678' });
    const bogus = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(bogus.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the web app shell for client routes and real 404s for unknown API paths and assets', async () => {
    for (const url of ['/', '/@ana', '/studio', '/settings/profile?x=1']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
    }
    const asset = await app.inject('/assets/app-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of ['/api/v1/unknown', '/api', '/assets/missing.js', '/favicon-missing.png']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
    }
    for (const url of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await app.inject(url);
      expect(res.body, url).not.toContain('root:');
    }
    expect((await app.inject('/api/v1/unknown')).json().error.code).toBe('route.not_found');
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/me' })).statusCode).toBe(404);
  });
});
