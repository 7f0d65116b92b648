import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.ts';
import { ProviderError } from './provider.ts';
import {
  createStripeProvider,
  parseStripeEvent,
  signStripePayload,
  verifyStripeSignature,
} from './stripe.ts';

const SECRET = 'whsec_test_secret';
const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', data: { object: {} } });
const NOW = 1_800_000_000;
const stripeHeader = (payload: string, secret = SECRET, timestamp = NOW) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

const code = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
  return 'accepted';
};

describe('Stripe webhook signatures', () => {
  it('accepts the signature Stripe computes, among several v1 values', () => {
    const header = stripeHeader(body);
    expect(code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW }))).toBe('accepted');
    expect(code(() => verifyStripeSignature(Buffer.from(body), header, SECRET, { nowS: NOW + 299 }))).toBe(
      'accepted',
    );
    const rolled = `${header},v1=${'0'.repeat(64)},v0=deadbeef`;
    expect(code(() => verifyStripeSignature(body, rolled, SECRET, { nowS: NOW }))).toBe('accepted');
  });

  it("signs with Stripe's helper, which matches an HMAC-SHA256 computed independently (openssl)", () => {
    // echo -n '1800000000.{}' | openssl dgst -sha256 -hmac whsec_test_secret
    const expected = `t=${NOW},v1=c54fd4ffd4dd216571ba5d99b08a3cf927757e386c311b181f85788c2178e368`;
    expect(signStripePayload('{}', SECRET, NOW)).toBe(expected);
    expect(stripeHeader('{}')).toBe(expected);
  });

  it('rejects a wrong secret, a tampered body, a stale timestamp and junk headers', () => {
    const header = stripeHeader(body);
    const rejected = '400 payment.bad_signature';
    expect(code(() => verifyStripeSignature(body, header, 'whsec_other', { nowS: NOW }))).toBe(rejected);
    expect(
      code(() => verifyStripeSignature(body.replace('evt_1', 'evt_2'), header, SECRET, { nowS: NOW })),
    ).toBe(rejected);
    expect(code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW + 301 }))).toBe(rejected);
    expect(
      code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW + 301, toleranceS: 400 })),
    ).toBe('accepted');
    expect(code(() => verifyStripeSignature(body, undefined, SECRET))).toBe(rejected);
    expect(code(() => verifyStripeSignature(body, '', SECRET))).toBe(rejected);
    expect(code(() => verifyStripeSignature(body, 'v1=abc', SECRET))).toBe(rejected);
    expect(code(() => verifyStripeSignature(body, `t=${NOW}`, SECRET, { nowS: NOW }))).toBe(rejected);
    expect(code(() => verifyStripeSignature(body, `t=${NOW},v1=zz`, SECRET, { nowS: NOW }))).toBe(rejected);
  });

  it("never repeats Stripe's reason, which can describe the signing secret", () => {
    // A header with Stripe's diagnostic fields makes its error name our secret's length and ending.
    const header = `${stripeHeader(body, 'whsec_attacker')},secret=whsec_****xxxx`;
    try {
      verifyStripeSignature(body, header, SECRET, { nowS: NOW });
      expect.unreachable('a forged header was accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toBe('Webhook signature rejected.');
      expect((err as AppError).data).toBeUndefined();
    }
  });

  it('parses only well-formed events', () => {
    expect(parseStripeEvent(body).id).toBe('evt_1');
    expect(code(() => parseStripeEvent('nope'))).toMatch(/request.malformed_json/);
    expect(code(() => parseStripeEvent('{"id":1}'))).toMatch(/request.invalid/);
    const nul = { id: 'evt_\u0000', type: 'charge.refunded', data: { object: {} } };
    expect(code(() => parseStripeEvent(JSON.stringify(nul)))).toMatch(/400 request.invalid/);
    const deep = { id: 'evt_2', type: 'charge.refunded', data: { object: { metadata: { a: 'x\u0000' } } } };
    expect(code(() => parseStripeEvent(JSON.stringify(deep)))).toMatch(/400 request.invalid/);
  });
});

describe('The Stripe client against STRIPE_API_BASE', () => {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: raw });
      res.writeHead(req.url === '/v1/refunds' ? 402 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url === '/v1/refunds'
            ? { error: { type: 'card_error', message: 'Charge already refunded.' } }
            : {
                id: 'cs_test_9',
                object: 'checkout.session',
                url: 'https://checkout.stripe.com/c/pay/cs_test_9',
              },
        ),
      );
    });
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const checkout = {
    purchaseId: 'p1',
    userId: 'u1',
    amountCents: 999,
    currency: 'USD',
    description: '700 coins',
    successUrl: 'https://onair.test/wallet?ok',
    cancelUrl: 'https://onair.test/wallet',
  };

  it('sends its requests to the configured host, port and protocol, form-encoded with our key', async () => {
    const stripe = createStripeProvider({ secretKey: 'sk_test_local', apiBase: `${base}/` });
    expect(await stripe.createCheckout(checkout)).toEqual({
      ref: 'cs_test_9',
      url: 'https://checkout.stripe.com/c/pay/cs_test_9',
    });
    const call = seen.at(-1)!;
    expect([call.method, call.url]).toEqual(['POST', '/v1/checkout/sessions']);
    expect(call.headers.authorization).toBe('Bearer sk_test_local');
    expect(call.headers['idempotency-key']).toBe('checkout_p1');
    const form = new URLSearchParams(call.body);
    expect(form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe('999');
    expect(form.get('payment_intent_data[metadata][purchase_id]')).toBe('p1');
  });

  it("turns Stripe's refusals and an unreachable API into provider errors", async () => {
    const stripe = createStripeProvider({ secretKey: 'sk_test_local', apiBase: base });
    const refund = { purchaseId: 'p1', ref: 'cs_test_9', paymentId: 'pi_1', amountCents: 999 };
    const refused = await stripe.refund(refund).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as Error).message).toMatch(/^Stripe 402: .*Charge already refunded\.$/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const gone = createStripeProvider({ secretKey: 'sk_test_local', apiBase: `http://127.0.0.1:${port}` });
    const unreachable = await gone.createCheckout(checkout).catch((err: unknown) => err);
    expect(unreachable).toBeInstanceOf(ProviderError);
    expect((unreachable as Error).message).toMatch(/^Stripe unreachable: /);
  });

  it('refuses a base URL with a path, which the client cannot honour', () => {
    expect(() => createStripeProvider({ secretKey: 'sk_test_local', apiBase: `${base}/stripe` })).toThrow(
      /STRIPE_API_BASE/,
    );
  });
});
