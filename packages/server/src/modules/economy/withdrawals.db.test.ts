import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, expectLedgerOk, goLive, newKey, sendGift, type TestUser, wallet } from './testing.ts';

describe.each(testDatabases())('diamonds and withdrawals on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let admin: TestUser;
  let creator: TestUser;
  let fan: TestUser;

  beforeAll(async () => {
    database = await kind.create();
    // 1 diamond = 1 cent, 3 % fee, at least 1,000 diamonds.
    app = await testApp(database, {
      DIAMOND_VALUE_MILLICENTS: '1000',
      WITHDRAWAL_FEE_BPS: '300',
      WITHDRAWAL_MIN_DIAMONDS: '1000',
    });
    admin = await signup(app, 'wd_admin');
    creator = await signup(app, 'wd_creator');
    fan = await signup(app, 'wd_fan');
    await goLive(app, creator);
    await buyCoins(app, fan, 'coins_17500');
    // 10,000 coins of gifts → 5,000 diamonds at the default 50 % share.
    expect((await sendGift(app, fan, 'wd_creator', { giftId: 'galaxy', quantity: 10 })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const request = (diamonds: number, key = newKey()) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/me/withdrawals',
      headers: creator.auth,
      payload: { diamonds, idempotencyKey: key },
    });
  const act = (id: string, action: 'approve' | 'reject' | 'payout', who = admin) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/admin/withdrawals/${id}/${action}`,
      headers: who.auth,
      ...(action === 'reject' ? { payload: { reason: 'duplicate account' } } : {}),
    });
  const earnings = async () =>
    (await app.inject({ url: '/api/v1/me/earnings', headers: creator.auth })).json();

  it('shows the creator their diamonds and what they are worth', async () => {
    expect(await earnings()).toMatchObject({
      diamonds: 5000,
      valueCents: 5000,
      currency: 'USD',
      rates: {
        platformShareBps: 5000,
        diamondValueMillicents: 1000,
        withdrawalFeeBps: 300,
        withdrawalMinDiamonds: 1000,
      },
      pending: { count: 0, diamonds: 0, netCents: 0 },
      paidCents: 0,
      recentWithdrawals: [],
    });
  });

  it('refuses withdrawals below the minimum, above the balance, or malformed, changing nothing', async () => {
    const cases: [unknown, number, string][] = [
      [999, 400, 'wallet.withdrawal_below_minimum'],
      [5001, 402, 'wallet.insufficient_diamonds'],
      [0, 400, 'request.invalid'],
      [-1000, 400, 'request.invalid'],
      [1000.5, 400, 'request.invalid'],
      ['1000', 400, 'request.invalid'],
      [2 ** 60, 400, 'request.invalid'],
    ];
    for (const [diamonds, status, code] of cases) {
      const res = await request(diamonds as number);
      expect(res.statusCode, `${diamonds}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await request(999)).json().error.data).toEqual({ minDiamonds: 1000 });
    expect((await earnings()).diamonds).toBe(5000);
    expect((await app.inject({ url: '/api/v1/me/withdrawals', headers: creator.auth })).json().items).toEqual(
      [],
    );
    await expectLedgerOk(database.db);
  });

  it('requests, approves and pays out: diamonds leave at once, the fee stays with the platform', async () => {
    const key = newKey();
    const res = await request(2000, key);
    expect(res.statusCode, res.body).toBe(201);
    const w = res.json();
    expect(w).toMatchObject({
      diamonds: 2000,
      grossCents: 2000,
      feeCents: 60,
      netCents: 1940,
      currency: 'USD',
      status: 'pending',
      user: { handle: 'wd_creator' },
    });
    expect((await request(2000, key)).json().id).toBe(w.id);
    expect((await request(3000, key)).json().error.code).toBe('request.idempotency_conflict');
    expect(await earnings()).toMatchObject({
      diamonds: 3000,
      pending: { count: 1, diamonds: 2000, netCents: 1940 },
    });

    expect((await act(w.id, 'payout')).json().error.code).toBe('wallet.withdrawal_state');
    expect((await act(w.id, 'approve', creator)).statusCode).toBe(403);
    const approved = await act(w.id, 'approve');
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(approved.json().decidedAt).not.toBeNull();
    expect((await act(w.id, 'approve')).statusCode).toBe(409);
    const paid = await act(w.id, 'payout');
    expect(paid.json()).toMatchObject({ status: 'paid' });
    expect(paid.json().paidAt).not.toBeNull();
    expect((await act(w.id, 'reject')).json().error.code).toBe('wallet.withdrawal_state');
    expect(await earnings()).toMatchObject({ diamonds: 3000, paidCents: 1940, pending: { count: 0 } });
    const check = (await app.inject({ url: '/api/v1/admin/ledger/check', headers: admin.auth })).json();
    expect(check.ok).toBe(true);
    expect(check.totals.diamonds).toMatchObject({ held: 3000, redeemed: 2000 });
    expect(check.totals.fiatCents.owedToCreators).toBe(0);
  });

  it('returns the diamonds when a payout fails or an admin rejects', async () => {
    const sandbox = app.services.economy.providers.sandbox;
    sandbox.simulatePayoutFailure(() => 'bank account closed');
    try {
      const w = (await request(1000)).json();
      await act(w.id, 'approve');
      expect((await earnings()).diamonds).toBe(2000);
      const failed = await act(w.id, 'payout');
      expect(failed.json()).toMatchObject({ status: 'failed', failureReason: 'bank account closed' });
      expect((await earnings()).diamonds).toBe(3000);
    } finally {
      sandbox.simulatePayoutFailure(null);
    }
    const r = (await request(1500)).json();
    expect((await earnings()).diamonds).toBe(1500);
    const rejected = await act(r.id, 'reject');
    expect(rejected.json()).toMatchObject({ status: 'rejected', failureReason: 'duplicate account' });
    expect((await earnings()).diamonds).toBe(3000);
    const statement = (
      await app.inject({ url: '/api/v1/wallet/statement?asset=DIAMOND', headers: creator.auth })
    ).json();
    expect(
      statement.entries.slice(0, 2).map((e: { kind: string; amount: number }) => [e.kind, e.amount]),
    ).toEqual([
      ['withdrawal_reversal', 1500],
      ['withdrawal', -1500],
    ]);
    await expectLedgerOk(database.db);
  });

  it('lists withdrawals for the creator and the admin queue, paged and filtered', async () => {
    const mine = (await app.inject({ url: '/api/v1/me/withdrawals?limit=2', headers: creator.auth })).json();
    expect(mine.items).toHaveLength(2);
    expect(mine.nextCursor).not.toBeNull();
    const rest = (
      await app.inject({
        url: `/api/v1/me/withdrawals?limit=2&cursor=${mine.nextCursor}`,
        headers: creator.auth,
      })
    ).json();
    expect(rest.items).toHaveLength(1);
    expect([...mine.items, ...rest.items].map((w: { status: string }) => w.status).sort()).toEqual([
      'failed',
      'paid',
      'rejected',
    ]);
    const queue = (
      await app.inject({ url: '/api/v1/admin/withdrawals?status=paid', headers: admin.auth })
    ).json();
    expect(queue.items.map((w: { status: string }) => w.status)).toEqual(['paid']);
    expect((await app.inject({ url: '/api/v1/admin/withdrawals', headers: creator.auth })).statusCode).toBe(
      403,
    );
    expect((await app.inject({ url: '/api/v1/me/withdrawals', headers: fan.auth })).json().items).toEqual([]);
    expect((await wallet(app, creator)).diamonds).toBe(3000);
  });
});
