import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, expectLedgerOk, goLive, newKey, sendGift, type TestUser, wallet } from './testing.ts';

describe.each(testDatabases())('buying coins with the sandbox provider on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let admin: TestUser;
  let buyer: TestUser;
  let creator: TestUser;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    admin = await signup(app, 'coins_admin');
    buyer = await signup(app, 'coins_buyer');
    creator = await signup(app, 'coins_creator');
    await goLive(app, creator);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const buy = (who: TestUser, payload: object) =>
    app.inject({ method: 'POST', url: '/api/v1/wallet/purchases', headers: who.auth, payload });
  const confirm = (who: TestUser, id: string, payload: object = {}) =>
    app.inject({ method: 'POST', url: `/api/v1/wallet/purchases/${id}/confirm`, headers: who.auth, payload });

  it('credits coins only once the payment is confirmed, and only once', async () => {
    const key = newKey();
    const created = await buy(buyer, { packageId: 'coins_350', idempotencyKey: key });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      packageId: 'coins_350',
      coins: 350,
      priceCents: 499,
      currency: 'USD',
      provider: 'sandbox',
      status: 'pending',
      checkoutUrl: null,
    });
    expect((await wallet(app, buyer)).coins).toBe(0);
    const id = created.json().id;
    const [a, b] = await Promise.all([confirm(buyer, id), confirm(buyer, id)]);
    expect([a.json().status, b.json().status]).toEqual(['succeeded', 'succeeded']);
    expect((await confirm(buyer, id)).json().status).toBe('succeeded');
    expect((await wallet(app, buyer)).coins).toBe(350);
    // The same request again is the same purchase; the key with another package is refused.
    const again = await buy(buyer, { packageId: 'coins_350', idempotencyKey: key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(id);
    const other = await buy(buyer, { packageId: 'coins_700', idempotencyKey: key });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('request.idempotency_conflict');
    expect((await wallet(app, buyer)).coins).toBe(350);
    await expectLedgerOk(database.db);
  });

  it('declines the decline test card and credits nothing', async () => {
    const created = await buy(buyer, { packageId: 'coins_70', idempotencyKey: newKey() });
    const declined = await confirm(buyer, created.json().id, { card: '4000000000000002' });
    expect(declined.json()).toMatchObject({ status: 'failed', failureReason: 'card_declined' });
    expect((await wallet(app, buyer)).coins).toBe(350);
    expect(
      (await app.inject({ url: `/api/v1/wallet/purchases/${created.json().id}`, headers: buyer.auth })).json()
        .status,
    ).toBe('failed');
  });

  it('keeps purchases private and refuses unknown packages and bad bodies', async () => {
    const created = await buy(buyer, { packageId: 'coins_70', idempotencyKey: newKey() });
    const id = created.json().id;
    expect(
      (await app.inject({ url: `/api/v1/wallet/purchases/${id}`, headers: creator.auth })).statusCode,
    ).toBe(404);
    expect((await confirm(creator, id)).statusCode).toBe(404);
    const cases: [object, number, string][] = [
      [{ packageId: 'coins_999999', idempotencyKey: newKey() }, 404, 'payment.package_unknown'],
      [{ packageId: 'coins_70', idempotencyKey: newKey(), coins: 1_000_000 }, 400, 'request.invalid'],
      [{ packageId: 'coins_70', idempotencyKey: newKey(), priceCents: 1 }, 400, 'request.invalid'],
      [{ packageId: 'coins_70' }, 400, 'request.invalid'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await buy(buyer, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await confirm(buyer, id, { card: 'x' })).statusCode).toBe(400);
    // A package priced in another currency cannot even be created on a USD server.
    const eur = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/coin-packages',
      headers: admin.auth,
      payload: { id: 'coins_eur', coins: 100, priceCents: 100, currency: 'eur' },
    });
    expect(eur.json().error.code).toBe('payment.currency_unsupported');
    expect((await wallet(app, buyer)).coins).toBe(350);
  });

  it('lets admins edit packages: an inactive one is neither listed nor sold', async () => {
    const added = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/coin-packages',
      headers: admin.auth,
      payload: { id: 'coins_promo', coins: 1000, priceCents: 500, currency: 'usd' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ id: 'coins_promo', currency: 'USD', active: true });
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/coin-packages',
      headers: admin.auth,
      payload: { id: 'coins_promo', coins: 1, priceCents: 1, currency: 'USD' },
    });
    expect(dup.json().error.code).toBe('catalog.id_taken');
    const listed = () =>
      app.inject('/api/v1/coin-packages').then((r) => r.json().packages.map((p: { id: string }) => p.id));
    expect(await listed()).toContain('coins_promo');
    await app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/coin-packages/coins_promo',
      headers: admin.auth,
      payload: { active: false },
    });
    expect(await listed()).not.toContain('coins_promo');
    expect((await buy(buyer, { packageId: 'coins_promo', idempotencyKey: newKey() })).json().error.code).toBe(
      'payment.package_unknown',
    );
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/admin/coin-packages/nope_nope',
          headers: admin.auth,
          payload: { active: false },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('refunds take back only the coins still unspent, once', async () => {
    const spender = await signup(app);
    const purchase = await buyCoins(app, spender, 'coins_700');
    expect((await sendGift(app, spender, 'coins_creator', { giftId: 'money_gun' })).statusCode).toBe(201);
    expect((await wallet(app, spender)).coins).toBe(200);
    const diamondsBefore = (await wallet(app, creator)).diamonds;

    const refund = () =>
      app.inject({
        method: 'POST',
        url: `/api/v1/admin/purchases/${purchase.id}/refund`,
        headers: admin.auth,
      });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/v1/admin/purchases/${purchase.id}/refund`,
          headers: spender.auth,
        })
      ).statusCode,
    ).toBe(403);
    const res = await refund();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'refunded', coinsReversed: 200 });
    expect((await wallet(app, spender)).coins).toBe(0);
    // What was spent stays spent: the creator keeps the diamonds.
    expect((await wallet(app, creator)).diamonds).toBe(diamondsBefore);
    const twice = await refund();
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('payment.state');
    const statement = (await app.inject({ url: '/api/v1/wallet/statement', headers: spender.auth })).json();
    expect(statement.entries[0]).toMatchObject({ kind: 'purchase_reversal', amount: -200, balanceAfter: 0 });
    await expectLedgerOk(database.db);
  });
});
