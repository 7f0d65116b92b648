import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { expectLedgerOk, goLive, newKey, sendGift, type TestUser, wallet } from './testing.ts';

const WEBHOOK_SECRET = 'whsec_onair_test';

/** A stand-in for api.stripe.com: Checkout Sessions and Refunds, recording what it was asked. */
function fakeStripe() {
  const requests: {
    method: string;
    path: string;
    body: URLSearchParams;
    headers: Record<string, unknown>;
  }[] = [];
  const sessions = new Map<
    string,
    { payment_status: string; status: string; payment_intent: string | null }
  >();
  let n = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      requests.push({ method: req.method ?? '', path: req.url ?? '', body, headers: req.headers });
      const send = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== 'Bearer sk_test_onair')
        return send(401, { error: { message: 'bad key' } });
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_${++n}`;
        sessions.set(id, { payment_status: 'unpaid', status: 'open', payment_intent: null });
        return send(200, { id, url: `https://checkout.stripe.com/c/pay/${id}` });
      }
      const m = /^\/v1\/checkout\/sessions\/(\w+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const s = sessions.get(m[1]!);
        return s ? send(200, { id: m[1], ...s }) : send(404, { error: { message: 'No such session' } });
      }
      if (req.method === 'POST' && req.url === '/v1/refunds')
        return send(200, { id: `re_${++n}`, status: 'succeeded' });
      send(404, { error: { message: 'unknown endpoint' } });
    });
  });
  return { server, requests, sessions };
}

describe.each(testDatabases())('Stripe payments on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let admin: TestUser;
  let buyer: TestUser;
  const stripe = fakeStripe();

  beforeAll(async () => {
    await new Promise<void>((r) => stripe.server.listen(0, '127.0.0.1', r));
    const { port } = stripe.server.address() as AddressInfo;
    database = await kind.create();
    app = await testApp(database, {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_onair',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: `http://127.0.0.1:${port}`,
    });
    admin = await signup(app, 'stripe_admin');
    buyer = await signup(app, 'stripe_buyer');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await new Promise((r) => stripe.server.close(r));
  });

  const deliver = (event: object, opts: { secret?: string; at?: number; header?: string } = {}) => {
    const payload = JSON.stringify(event);
    return app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature':
          opts.header ??
          Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: opts.secret ?? WEBHOOK_SECRET,
            timestamp: opts.at ?? Math.floor(Date.now() / 1000),
          }),
      },
      payload,
    });
  };
  const completed = (eventId: string, sessionId: string, purchaseId: string, paymentIntent: string) => ({
    id: eventId,
    type: 'checkout.session.completed',
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        payment_status: 'paid',
        payment_intent: paymentIntent,
        client_reference_id: purchaseId,
        metadata: { purchase_id: purchaseId },
      },
    },
  });

  async function startPurchase(packageId = 'coins_700') {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/wallet/purchases',
      headers: buyer.auth,
      payload: { packageId, idempotencyKey: newKey() },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; checkoutUrl: string; status: string };
  }

  it('opens a Checkout Session with our amounts and an idempotency key', async () => {
    const purchase = await startPurchase();
    expect(purchase.status).toBe('pending');
    expect(purchase.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\d+$/);
    const call = stripe.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(call.body.get('line_items[0][price_data][unit_amount]')).toBe('999');
    expect(call.body.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(call.body.get('metadata[purchase_id]')).toBe(purchase.id);
    expect(call.headers['idempotency-key']).toBe(`checkout_${purchase.id}`);
    expect((await app.inject('/api/v1/coin-packages')).json().provider).toBe('stripe');
  });

  it('rejects a webhook with a bad signature and credits nothing', async () => {
    const purchase = await startPurchase();
    const session = purchase.checkoutUrl.split('/').at(-1)!;
    const event = completed('evt_forged', session, purchase.id, 'pi_forged');
    const before = (await wallet(app, buyer)).coins;
    for (const opts of [
      { secret: 'whsec_attacker' },
      { at: Math.floor(Date.now() / 1000) - 3600 },
      { header: 't=1,v1=00' },
      { header: '' },
    ]) {
      const res = await deliver(event, opts);
      expect(res.statusCode, JSON.stringify(opts)).toBe(400);
      expect(res.json().error.code).toBe('payment.bad_signature');
    }
    expect((await wallet(app, buyer)).coins).toBe(before);
    const status = (
      await app.inject({ url: `/api/v1/wallet/purchases/${purchase.id}`, headers: buyer.auth })
    ).json();
    expect(status.status).toBe('pending');
  });

  it('credits a paid checkout once, however often the webhook is replayed', async () => {
    const purchase = await startPurchase('coins_1400');
    const session = purchase.checkoutUrl.split('/').at(-1)!;
    const before = (await wallet(app, buyer)).coins;
    const event = completed('evt_paid_1', session, purchase.id, 'pi_1');
    const first = await deliver(event);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const replays = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(replays.map((r) => r.json())).toEqual(Array(3).fill({ received: true, duplicate: true }));
    // A different event about the same payment (Stripe retries with new ids too) credits nothing more.
    expect((await deliver(completed('evt_paid_2', session, purchase.id, 'pi_1'))).statusCode).toBe(200);
    expect((await wallet(app, buyer)).coins).toBe(before + 1400);
    const p = (
      await app.inject({ url: `/api/v1/wallet/purchases/${purchase.id}`, headers: buyer.auth })
    ).json();
    expect(p).toMatchObject({ status: 'succeeded', checkoutUrl: null });
    await expectLedgerOk(database.db);
  });

  it('confirms by asking Stripe when the buyer returns before the webhook', async () => {
    const purchase = await startPurchase('coins_70');
    const session = purchase.checkoutUrl.split('/').at(-1)!;
    const confirm = () =>
      app.inject({
        method: 'POST',
        url: `/api/v1/wallet/purchases/${purchase.id}/confirm`,
        headers: buyer.auth,
        payload: {},
      });
    expect((await confirm()).json().status).toBe('pending');
    stripe.sessions.set(session, { payment_status: 'paid', status: 'complete', payment_intent: 'pi_return' });
    const before = (await wallet(app, buyer)).coins;
    expect((await confirm()).json().status).toBe('succeeded');
    // The webhook arriving afterwards is recorded and changes nothing.
    expect((await deliver(completed('evt_late', session, purchase.id, 'pi_return'))).json().duplicate).toBe(
      false,
    );
    expect((await wallet(app, buyer)).coins).toBe(before + 70);
    const card = await app.inject({
      method: 'POST',
      url: `/api/v1/wallet/purchases/${purchase.id}/confirm`,
      headers: buyer.auth,
      payload: { card: '4242424242424242' },
    });
    expect(card.statusCode).toBe(400);
  });

  it('reverses unspent coins on a refund or chargeback, once, and ignores unrelated events', async () => {
    const creator = await signup(app, 'stripe_creator');
    await goLive(app, creator);
    const spender = await signup(app, 'stripe_spender');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/wallet/purchases',
      headers: spender.auth,
      payload: { packageId: 'coins_700', idempotencyKey: newKey() },
    });
    const purchase = res.json();
    const session = purchase.checkoutUrl.split('/').at(-1);
    await deliver(completed('evt_spender_paid', session, purchase.id, 'pi_spender'));
    expect((await sendGift(app, spender, 'stripe_creator', { giftId: 'hand_hearts' })).statusCode).toBe(201);
    expect((await wallet(app, spender)).coins).toBe(600);

    const refunded = {
      id: 'evt_refund',
      type: 'charge.refunded',
      data: { object: { id: 'ch_1', payment_intent: 'pi_spender', amount_refunded: 999, refunded: true } },
    };
    const disputed = {
      id: 'evt_dispute',
      type: 'charge.dispute.created',
      data: { object: { id: 'dp_1', payment_intent: 'pi_spender', amount: 999 } },
    };
    expect((await deliver(refunded)).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(refunded)).json()).toEqual({ received: true, duplicate: true });
    expect((await deliver(disputed)).json()).toEqual({ received: true, duplicate: false });
    expect((await wallet(app, spender)).coins).toBe(0);
    const p = (
      await app.inject({ url: `/api/v1/wallet/purchases/${purchase.id}`, headers: spender.auth })
    ).json();
    expect(p).toMatchObject({ status: 'refunded', coinsReversed: 600 });

    const unrelated = { id: 'evt_other', type: 'customer.created', data: { object: { id: 'cus_1' } } };
    expect((await deliver(unrelated)).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(unrelated)).json()).toEqual({ received: true, duplicate: true });
    await expectLedgerOk(database.db);
  });

  it('refunds through the Stripe API from the admin console', async () => {
    const purchase = await startPurchase('coins_350');
    await deliver(
      completed('evt_admin_refund', purchase.checkoutUrl.split('/').at(-1)!, purchase.id, 'pi_admin'),
    );
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/purchases/${purchase.id}/refund`,
      headers: admin.auth,
    });
    expect(res.json()).toMatchObject({ status: 'refunded', coinsReversed: 350 });
    const call = stripe.requests.find((r) => r.path === '/v1/refunds')!;
    expect(call.body.get('payment_intent')).toBe('pi_admin');
    expect(call.headers['idempotency-key']).toBe(`refund_${purchase.id}`);
    await expectLedgerOk(database.db);
  });
});
