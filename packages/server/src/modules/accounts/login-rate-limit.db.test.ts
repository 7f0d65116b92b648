import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { testBackends } from '../../test/redis.ts';

const [pglite] = testDatabases();

describe.each(testBackends())('login rate limit ($name store)', (backend) => {
  let database: TestDatabaseHandle;
  beforeAll(async () => {
    database = await pglite!.create();
  });
  afterAll(() => database?.drop());

  it('answers the attempt past the limit with request.rate_limited, per client address, across app instances', async () => {
    const redis = backend.connect();
    // Two app instances stand in for two nodes: with Redis they share one budget, in-process they do not.
    const nodeA = await testApp(database, { LOGIN_RATE_LIMIT: '3' }, redis);
    const nodeB = await testApp(database, { LOGIN_RATE_LIMIT: '3' }, redis);
    try {
      // Signed up through the service: other test files share 127.0.0.1's budget in Redis.
      const password = 'correct horse battery';
      const { user } = await nodeA.services.accounts.signup(
        { handle: `rl_${randomBytes(3).toString('hex')}`, password },
        'test',
      );
      // A per-run address keeps Redis counters from earlier runs out of this one.
      const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const login = (app: typeof nodeA, pw: string, from = ip) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: from,
          payload: { handle: user.handle, password: pw },
        });

      expect((await login(nodeA, 'wrong-password')).statusCode).toBe(401);
      expect((await login(nodeA, 'wrong-password')).statusCode).toBe(401);
      expect((await login(nodeA, password)).statusCode).toBe(200);
      const limitedA = await login(nodeA, password);
      expect(limitedA.statusCode).toBe(429);
      expect(limitedA.json().error.code).toBe('request.rate_limited');
      expect(limitedA.json().error.message).toMatch(/Try again in \d+ s/);
      expect(limitedA.cookies).toHaveLength(0);

      // Another address is not affected.
      expect((await login(nodeA, password, '192.0.2.77')).statusCode).toBe(200);
      // The second node shares the budget only through Redis.
      expect((await login(nodeB, password)).statusCode).toBe(redis ? 429 : 200);
    } finally {
      await nodeA.close();
      await nodeB.close();
      await redis?.quit();
    }
  });
});
