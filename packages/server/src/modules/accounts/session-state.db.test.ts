import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

/** `GET /api/v1/auth/session`: what the app asks at start, answered without a 401 when signed out. */
describe.each(testDatabases())('the session question on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers the signed-in user, and null for nobody, a forged token or a logged-out session', async () => {
    const ana = await signup(app);
    const asked = async (headers: Record<string, string> = {}) => {
      const res = await app.inject({ url: '/api/v1/auth/session', headers });
      expect(res.statusCode).toBe(200);
      return res.json().user as { id: string } | null;
    };
    expect((await asked(ana.auth))?.id).toBe(ana.user.id);
    expect(await asked()).toBeNull();
    expect(await asked({ authorization: 'Bearer oat_forged' })).toBeNull();
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: ana.auth });
    expect(await asked(ana.auth)).toBeNull();
  });
});
