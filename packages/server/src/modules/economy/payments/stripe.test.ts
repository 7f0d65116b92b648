import { describe, expect, it } from 'vitest';
import { AppError } from '../../../errors.ts';
import { formEncode, parseStripeEvent, signStripePayload, verifyStripeSignature } from './stripe.ts';

const SECRET = 'whsec_test_secret';
const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', data: { object: {} } });
const NOW = 1_800_000_000;

const code = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}: ${err.message}` : String(err);
  }
  return 'accepted';
};

describe('Stripe webhook signatures', () => {
  it('accepts the signature Stripe computes, among several v1 values', () => {
    const header = signStripePayload(body, SECRET, NOW);
    expect(code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW }))).toBe('accepted');
    expect(code(() => verifyStripeSignature(Buffer.from(body), header, SECRET, { nowS: NOW + 299 }))).toBe(
      'accepted',
    );
    const rolled = `${header},v1=${'0'.repeat(64)},v0=deadbeef`;
    expect(code(() => verifyStripeSignature(body, rolled, SECRET, { nowS: NOW }))).toBe('accepted');
  });

  it('matches an HMAC-SHA256 computed independently (openssl)', () => {
    // echo -n '1800000000.{}' | openssl dgst -sha256 -hmac whsec_test_secret
    expect(signStripePayload('{}', SECRET, NOW)).toBe(
      `t=${NOW},v1=c54fd4ffd4dd216571ba5d99b08a3cf927757e386c311b181f85788c2178e368`,
    );
  });

  it('rejects a wrong secret, a tampered body, a stale or future timestamp and junk headers', () => {
    const header = signStripePayload(body, SECRET, NOW);
    expect(code(() => verifyStripeSignature(body, header, 'whsec_other', { nowS: NOW }))).toMatch(
      /400 payment.bad_signature: .*does not match/,
    );
    expect(
      code(() => verifyStripeSignature(body.replace('evt_1', 'evt_2'), header, SECRET, { nowS: NOW })),
    ).toMatch(/does not match/);
    expect(code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW + 301 }))).toMatch(/tolerance/);
    expect(code(() => verifyStripeSignature(body, header, SECRET, { nowS: NOW - 301 }))).toMatch(/tolerance/);
    expect(code(() => verifyStripeSignature(body, undefined, SECRET))).toMatch(/no Stripe-Signature/);
    expect(code(() => verifyStripeSignature(body, 'v1=abc', SECRET))).toMatch(/no timestamp/);
    expect(code(() => verifyStripeSignature(body, `t=${NOW}`, SECRET, { nowS: NOW }))).toMatch(/no v1/);
    expect(code(() => verifyStripeSignature(body, `t=${NOW},v1=zz`, SECRET, { nowS: NOW }))).toMatch(/no v1/);
  });

  it('parses only well-formed events', () => {
    expect(parseStripeEvent(body).id).toBe('evt_1');
    expect(code(() => parseStripeEvent('nope'))).toMatch(/request.malformed_json/);
    expect(code(() => parseStripeEvent('{"id":1}'))).toMatch(/request.invalid/);
  });
});

describe("Stripe's form encoding", () => {
  it('encodes nested objects and arrays as Stripe expects', () => {
    expect(
      formEncode({
        mode: 'payment',
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 99 } }],
        metadata: { purchase_id: 'a b' },
        skip: undefined,
      }),
    ).toEqual([
      'mode=payment',
      'line_items%5B0%5D%5Bquantity%5D=1',
      'line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd',
      'line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=99',
      'metadata%5Bpurchase_id%5D=a%20b',
    ]);
  });
});
