import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { type Nodes, twoNodeBackends } from '../../test/nodes.ts';

const [pglite] = testDatabases();

describe.each(twoNodeBackends())('credential cache across two nodes ($name bus)', (backend) => {
  let database: TestDatabaseHandle;
  let nodes: Nodes;
  let nodeA: FastifyInstance;
  let nodeB: FastifyInstance;
  let admin: Awaited<ReturnType<typeof signup>>;

  // A minute-long cache: anything that stops working sooner was invalidated, not expired.
  const env = { AUTH_CACHE_MS: '60000' };
  const me = (node: FastifyInstance, headers: Record<string, string>) =>
    node.inject({ url: '/api/v1/me', headers });

  beforeAll(async () => {
    database = await pglite!.create();
    nodes = backend.make();
    nodeA = await testApp(database, env, nodes.redis[0], nodes.buses[0]);
    nodeB = await testApp(database, env, nodes.redis[1], nodes.buses[1]);
    admin = await signup(nodeA);
    expect(admin.user.role).toBe('admin');
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await nodes?.close();
    await database?.drop();
  });

  it('reuses a resolved token: one deleted behind the service’s back still works until it expires', async () => {
    const user = await signup(nodeA);
    expect((await me(nodeB, user.auth)).statusCode).toBe(200);
    await database.db.deleteFrom('authTokens').where('userId', '=', user.user.id).execute();
    expect((await me(nodeB, user.auth)).statusCode).toBe(200);

    const uncached = await testApp(database, { AUTH_CACHE_MS: '0' });
    try {
      expect((await me(uncached, user.auth)).statusCode).toBe(401);
    } finally {
      await uncached.close();
    }
  });

  it('a revoked API token stops working on the other node at once', async () => {
    const user = await signup(nodeA);
    const created = await nodeA.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: user.auth,
      payload: { name: 'bot' },
    });
    expect(created.statusCode).toBe(201);
    const bot = { authorization: `Bearer ${created.json().token}` };
    expect((await me(nodeB, bot)).statusCode).toBe(200);

    const revoked = await nodeA.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${created.json().id}`,
      headers: user.auth,
    });
    expect(revoked.statusCode).toBeLessThan(300);
    await eventually(
      'node B to refuse the revoked token',
      async () => (await me(nodeB, bot)).statusCode === 401,
      { timeoutMs: 3000 },
    );
    expect((await me(nodeA, bot)).statusCode).toBe(401);
    // The owner's other credential is untouched.
    expect((await me(nodeB, user.auth)).statusCode).toBe(200);
  });

  it('logging out on one node ends the session on the other', async () => {
    const user = await signup(nodeA);
    expect((await me(nodeB, user.auth)).statusCode).toBe(200);
    const out = await nodeA.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth });
    expect(out.statusCode).toBeLessThan(300);
    await eventually(
      'node B to end the session',
      async () => (await me(nodeB, user.auth)).statusCode === 401,
      { timeoutMs: 3000 },
    );
  });

  it('a role change applies on the other node at once', async () => {
    const user = await signup(nodeA);
    expect((await me(nodeB, user.auth)).json().role).toBe('viewer');
    const changed = await nodeA.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${user.user.id}/role`,
      headers: admin.auth,
      payload: { role: 'creator' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await eventually(
      'node B to see the new role',
      async () => (await me(nodeB, user.auth)).json().role === 'creator',
      { timeoutMs: 3000 },
    );
  });
});
