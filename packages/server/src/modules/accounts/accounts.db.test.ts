import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, signup, TEST_SECRET, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { createAccountsService } from './accounts.service.ts';

describe.each(testDatabases())('accounts on $name', (kind) => {
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

  const countUsers = () => app.services.accounts.countUsers();

  it('makes the first account admin and later ones viewers, with an httpOnly session cookie', async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { handle: 'Founder', password: 'password123' },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json().user).toMatchObject({
      handle: 'founder',
      displayName: 'founder',
      role: 'admin',
      bio: '',
      avatarUrl: null,
    });
    expect(first.json().token).toBeUndefined();
    const cookie = first.cookies.find((c) => c.name === 'onair_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      cookies: { onair_session: cookie!.value },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().handle).toBe('founder');

    const second = await signup(app);
    expect(second.user.role).toBe('viewer');
  });

  it('rejects a taken handle regardless of case, writing nothing', async () => {
    const { user } = await signup(app, handle('dup'));
    const before = await countUsers();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { handle: user.handle.toUpperCase(), password: 'password123' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('user.handle_taken');
    expect(await countUsers()).toBe(before);
  });

  it('rejects reserved and malformed handles and short passwords with field messages', async () => {
    const before = await countUsers();
    const cases: [unknown, number, string][] = [
      [{ handle: 'admin', password: 'password123' }, 400, 'user.handle_reserved'],
      [{ handle: 'a', password: 'password123' }, 400, 'request.invalid'],
      [{ handle: 'bad handle!', password: 'password123' }, 400, 'request.invalid'],
      [{ handle: 'x'.repeat(25), password: 'password123' }, 400, 'request.invalid'],
      [{ handle: 'okhandle', password: 'short' }, 400, 'request.invalid'],
      [{ handle: 'okhandle', password: 12345678 }, 400, 'request.invalid'],
      [{ handle: 'okhandle' }, 400, 'request.invalid'],
      [{ handle: 'okhandle', password: 'password123', role: 'admin' }, 400, 'request.invalid'],
      [[], 400, 'request.invalid'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: payload as object,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
      expect(res.json().error.message.length).toBeGreaterThan(5);
      expect(res.json().requestId).toBeTruthy();
    }
    const short = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { handle: 'okhandle', password: 'short' },
    });
    expect(short.json().error.message).toMatch(/password/);
    expect(await countUsers()).toBe(before);
  });

  it('answers malformed JSON, wrong content types and huge bodies with coded errors', async () => {
    const before = await countUsers();
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"handle": "abc", "password":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('request.malformed_json');

    const text = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'content-type': 'text/plain' },
      payload: 'handle=abc',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('request.unsupported_media_type');

    const huge = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { handle: 'hugeone', password: 'x'.repeat(100_000) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('request.too_large');
    expect(await countUsers()).toBe(before);
  });

  it('logs in with the right password only, with one message for unknown handle and wrong password', async () => {
    const { user, password } = await signup(app, handle('login'));
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { handle: user.handle, password: 'not the password' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { handle: 'nobody_here', password: 'whatever1' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({
        code: 'auth.invalid_credentials',
        message: 'Wrong handle or password.',
      });
      expect(res.cookies).toHaveLength(0);
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: user.handle.toUpperCase(), password },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().token).toMatch(/^oas_/);
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${ok.json().token}` },
    });
    expect(me.json().id).toBe(user.id);
  });

  it('ends the session on logout, and only that session', async () => {
    const a = await signup(app, handle('logout'));
    const b = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: a.user.handle, password: a.password },
    });
    const other = { authorization: `Bearer ${b.json().token}` };

    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: a.auth });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === 'onair_session')?.value).toBe('');
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers: a.auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('auth.required');
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: other })).statusCode).toBe(200);
    // Replaying the logout with the dead token changes nothing and says why.
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: a.auth })).statusCode,
    ).toBe(401);
  });

  it('refuses missing, malformed and forged credentials', async () => {
    const forged = `oas_${'A'.repeat(43)}`;
    for (const headers of [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: `Bearer ${forged}` },
      { authorization: 'Basic abc' },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/me', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('auth.required');
    }
    const cookie = await app.inject({ method: 'GET', url: '/api/v1/me', cookies: { onair_session: forged } });
    expect(cookie.statusCode).toBe(401);
  });

  it('edits the profile and shows it publicly; invalid edits change nothing', async () => {
    const a = await signup(app, handle('prof'));
    const ok = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: a.auth,
      payload: {
        displayName: '  Ana Live ',
        bio: 'Cooking every Tuesday',
        avatarUrl: 'https://example.com/a.png',
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      displayName: 'Ana Live',
      bio: 'Cooking every Tuesday',
      avatarUrl: 'https://example.com/a.png',
    });

    const bad: unknown[] = [
      {},
      { bio: 'x'.repeat(301) },
      { displayName: '' },
      { displayName: 'x'.repeat(51) },
      { displayName: 42 },
      { avatarUrl: 'javascript:alert(1)' },
      { avatarUrl: 'not a url' },
      { role: 'admin' },
      { handle: 'newname' },
    ];
    for (const payload of bad) {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: a.auth,
        payload: payload as object,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
    }

    const pub = await app.inject({ method: 'GET', url: `/api/v1/users/${a.user.handle}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({
      handle: a.user.handle,
      displayName: 'Ana Live',
      bio: 'Cooking every Tuesday',
      role: 'viewer',
    });
    expect(pub.json()).not.toHaveProperty('passwordHash');

    const cleared = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: a.auth,
      payload: { avatarUrl: null },
    });
    expect(cleared.json().avatarUrl).toBeNull();

    const missing = await app.inject({ method: 'GET', url: '/api/v1/users/no_such_person' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('user.not_found');
  });

  it('issues, lists, uses and revokes API tokens; another user cannot revoke them', async () => {
    const owner = await signup(app, handle('tok'));
    const intruder = await signup(app, handle('intr'));
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: owner.auth,
      payload: { name: 'chat bot' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: string; token: string };
    expect(token).toMatch(/^oat_/);

    const bot = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: bot })).json().id).toBe(
      owner.user.id,
    );
    const list = await app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: owner.auth });
    expect(list.json().tokens).toHaveLength(1);
    expect(list.json().tokens[0]).not.toHaveProperty('token');
    expect(list.json().tokens[0].lastUsedAt).not.toBeNull();

    const steal = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/tokens/${id}`,
      headers: intruder.auth,
    });
    expect(steal.statusCode).toBe(404);
    expect(steal.json().error.code).toBe('auth.token_not_found');
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: bot })).statusCode).toBe(200);

    const badId = await app.inject({
      method: 'DELETE',
      url: '/api/v1/me/tokens/not-a-uuid',
      headers: owner.auth,
    });
    expect(badId.statusCode).toBe(400);

    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: owner.auth }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: bot })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: owner.auth }))
        .statusCode,
    ).toBe(404);
  });

  it('lets a viewer become a creator, and only an admin change roles', async () => {
    const v = await signup(app, handle('viewer'));
    const creator = await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: v.auth });
    expect(creator.json().role).toBe('creator');

    const target = await signup(app, handle('target'));
    const denied = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${target.user.id}/role`,
      headers: v.auth,
      payload: { role: 'admin' },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('auth.forbidden');

    const adminLogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'founder', password: 'password123' },
    });
    const admin = { authorization: `Bearer ${adminLogin.json().token}` };
    const adminId = adminLogin.json().user.id;
    const promoted = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${target.user.id}/role`,
      headers: admin,
      payload: { role: 'creator' },
    });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().role).toBe('creator');

    const self = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${adminId}/role`,
      headers: admin,
      payload: { role: 'viewer' },
    });
    expect(self.statusCode).toBe(403);
    const badRole = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/users/${target.user.id}/role`,
      headers: admin,
      payload: { role: 'god' },
    });
    expect(badRole.statusCode).toBe(400);
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/role',
      headers: admin,
      payload: { role: 'creator' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('user.not_found');
  });

  it('pages through users for admins with a cursor', async () => {
    const adminLogin = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'founder', password: 'password123' },
    });
    const admin = { authorization: `Bearer ${adminLogin.json().token}` };
    const total = await countUsers();
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : '';
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/admin/users?limit=3${qs}`,
        headers: admin,
      });
      expect(res.statusCode).toBe(200);
      for (const u of res.json().users) seen.add(u.id);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.size).toBe(total);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?cursor=garbage',
      headers: admin,
    });
    expect(bad.statusCode).toBe(400);
    const tooMany = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?limit=1000',
      headers: admin,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('expires sessions after their time-to-live', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const accounts = createAccountsService({
      db: database.db,
      secretKey: TEST_SECRET,
      sessionTtlMs: 60 * 60_000,
      log: pino({ level: 'silent' }),
      now: () => clock,
    });
    const { token } = await accounts.signup({ handle: handle('ttl'), password: 'password123' }, 'test');
    expect(await accounts.authenticate(token)).not.toBeNull();
    clock = new Date(clock.getTime() + 30 * 60_000);
    expect(await accounts.authenticate(token)).not.toBeNull(); // slides the expiry forward
    clock = new Date(clock.getTime() + 59 * 60_000);
    expect(await accounts.authenticate(token)).not.toBeNull();
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect(await accounts.authenticate(token)).toBeNull();
    expect(await accounts.pruneExpiredSessions()).toBeGreaterThanOrEqual(1);
  });
});

describe.each(testDatabases())('first admin on $name', (kind) => {
  it('is the first person to sign up while there is no admin, even after operator-made creators', async () => {
    const database = await kind.create();
    const app = await testApp(database);
    try {
      const demo = await app.services.accounts.signup(
        { handle: 'demo_chef', password: 'password123' },
        'test',
        { role: 'creator' },
      );
      expect(demo.user.role).toBe('creator');
      expect((await signup(app, 'human')).user.role).toBe('admin');
      expect((await signup(app, 'second')).user.role).toBe('viewer');
    } finally {
      await app.close();
      await database.drop();
    }
  });

  it('makes exactly one admin when many sign up at once', async () => {
    const database = await kind.create();
    const app = await testApp(database);
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => signup(app, `racer${i}`)));
      expect(results.filter((r) => r.user.role === 'admin')).toHaveLength(1);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
