import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../errors.ts';
import type { PaymentProvider } from './provider.ts';
import { ProviderError } from './provider.ts';

export const STRIPE_API = 'https://api.stripe.com';
/** Stripe's own default: a signed webhook older (or newer) than this is a replay. */
export const STRIPE_TOLERANCE_S = 300;

export interface StripeOptions {
  secretKey: string;
  /** Base URL of the API (https://api.stripe.com; stripe-mock or a proxy in tests and staging). */
  apiBase?: string;
  fetch?: typeof fetch;
}

const badSignature = (why: string) =>
  new AppError('payment.bad_signature', 400, `Webhook signature rejected: ${why}.`);

/**
 * Verifies a `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]` header as Stripe documents it: the
 * HMAC-SHA256 of `${t}.${raw body}` under the endpoint secret must equal one of the v1 values, and t
 * must be within the tolerance of now. Throws a 400 `payment.bad_signature` otherwise.
 */
export function verifyStripeSignature(
  rawBody: Buffer | string,
  header: string | undefined,
  secret: string,
  opts: { toleranceS?: number; nowS?: number } = {},
): void {
  if (!header) throw badSignature('no Stripe-Signature header');
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined) throw badSignature('no timestamp');
  if (signatures.length === 0) throw badSignature('no v1 signature');
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody)
    .digest();
  if (!signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected)))
    throw badSignature('signature does not match');
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceS ?? STRIPE_TOLERANCE_S))
    throw badSignature('timestamp outside the tolerance');
}

/** The header Stripe would send for `payload` (for tests and local tooling, like Stripe's own helper). */
export function signStripePayload(
  payload: string,
  secret: string,
  timestampS = Math.floor(Date.now() / 1000),
) {
  const v1 = createHmac('sha256', secret).update(`${timestampS}.${payload}`).digest('hex');
  return `t=${timestampS},v1=${v1}`;
}

/** Stripe's form encoding of nested parameters: line_items[0][price_data][currency]=usd. */
export function formEncode(params: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    const key = prefix ? `${prefix}[${k}]` : k;
    if (Array.isArray(v))
      v.forEach((item, i) => {
        if (typeof item === 'object' && item !== null)
          out.push(...formEncode(item as Record<string, unknown>, `${key}[${i}]`));
        else out.push(`${encodeURIComponent(`${key}[${i}]`)}=${encodeURIComponent(String(item))}`);
      });
    else if (typeof v === 'object') out.push(...formEncode(v as Record<string, unknown>, key));
    else out.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
  }
  return out;
}

/**
 * Stripe through its HTTP API with fetch (no SDK): Checkout Sessions for payments, Refunds, and the
 * webhook events handled by the coins service. Every mutating call carries an Idempotency-Key derived
 * from our own ids, so a retried request never charges or refunds twice at Stripe either.
 */
export function createStripeProvider(opts: StripeOptions): PaymentProvider {
  const base = (opts.apiBase ?? STRIPE_API).replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    params?: Record<string, unknown>,
    key?: string,
  ) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.secretKey}`,
      'stripe-version': '2024-06-20',
    };
    if (key) headers['idempotency-key'] = key;
    let body: string | undefined;
    if (params) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formEncode(params).join('&');
    }
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });
    } catch (err) {
      throw new ProviderError(`Stripe unreachable: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
    if (!res.ok) throw new ProviderError(`Stripe ${res.status}: ${json.error?.message ?? 'error'}`);
    return json;
  }

  return {
    name: 'stripe',
    async createCheckout(req) {
      const session = await call<{ id: string; url: string }>(
        'POST',
        '/v1/checkout/sessions',
        {
          mode: 'payment',
          client_reference_id: req.purchaseId,
          success_url: req.successUrl,
          cancel_url: req.cancelUrl,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: req.currency.toLowerCase(),
                unit_amount: req.amountCents,
                product_data: { name: req.description },
              },
            },
          ],
          metadata: { purchase_id: req.purchaseId, user_id: req.userId },
          payment_intent_data: { metadata: { purchase_id: req.purchaseId } },
        },
        `checkout_${req.purchaseId}`,
      );
      return { ref: session.id, url: session.url };
    },
    async confirm(ref) {
      const s = await call<{ status: string; payment_status: string; payment_intent: string | null }>(
        'GET',
        `/v1/checkout/sessions/${encodeURIComponent(ref)}`,
      );
      if (s.payment_status === 'paid' || s.payment_status === 'no_payment_required')
        return { status: 'succeeded', paymentId: s.payment_intent ?? ref };
      if (s.status === 'expired') return { status: 'failed', reason: 'checkout_expired' };
      return { status: 'pending' };
    },
    async refund(req) {
      if (!req.paymentId) throw new ProviderError('no PaymentIntent known for this purchase');
      await call(
        'POST',
        '/v1/refunds',
        { payment_intent: req.paymentId, amount: req.amountCents, metadata: { purchase_id: req.purchaseId } },
        `refund_${req.purchaseId}`,
      );
    },
    async payout() {
      // Paying creators through Stripe needs a Connect account per creator (onboarding, KYC), which
      // this server does not manage: say so instead of pretending. The withdrawal stays approved.
      throw new AppError(
        'payment.provider_unavailable',
        503,
        'Payouts through Stripe need Stripe Connect accounts for creators, which this server does not set up. Pay out with another method and mark it paid, or use the sandbox.',
      );
    },
  };
}

/** The parts of Stripe's event objects the coins service reads. */
export interface StripeEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

export function parseStripeEvent(raw: Buffer | string): StripeEvent {
  let event: unknown;
  try {
    event = JSON.parse(raw.toString());
  } catch {
    throw new AppError('request.malformed_json', 400, 'The webhook body is not valid JSON.');
  }
  const e = event as Partial<StripeEvent>;
  if (
    typeof e?.id !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.data?.object !== 'object' ||
    !e.data.object
  )
    throw new AppError('request.invalid', 400, 'Not a Stripe event.');
  return e as StripeEvent;
}
