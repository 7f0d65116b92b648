import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

describe.each(testDatabases())('search rate limit on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { SEARCH_RATE_LIMIT_PER_MIN: '3' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('takes SEARCH_RATE_LIMIT_PER_MIN per client address and minute, searches and tag pages alike', async () => {
    const statuses: number[] = [];
    for (const url of [
      '/api/v1/search?q=a',
      '/api/v1/search?q=b',
      '/api/v1/tags/dance',
      '/api/v1/search?q=c',
    ])
      statuses.push((await app.inject({ url })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await app.inject({ url: '/api/v1/search?q=d' });
    expect(refused.json().error.code).toBe('request.rate_limited');
  });
});
