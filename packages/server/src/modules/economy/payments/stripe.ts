import { isCleanText } from '@onair/protocol';
import Stripe from 'stripe';
import { AppError } from '../../../errors.ts';
import type { PaymentProvider } from './provider.ts';
import { ProviderError } from './provider.ts';

export const STRIPE_API = 'https://api.stripe.com';
/** Stripe's own default: a signed webhook older than this is a replay. */
export const STRIPE_TOLERANCE_S = Stripe.webhooks.DEFAULT_TOLERANCE;

export interface StripeOptions {
  secretKey: string;
  /** Base URL of the API (https://api.stripe.com; stripe-mock or a local stand-in in tests and staging). */
  apiBase?: string | undefined;
}

/**
 * Verifies a `Stripe-Signature` header with Stripe's own check (HMAC-SHA256 of `${t}.${raw body}`
 * under the endpoint secret, t no older than the tolerance). Throws a 400 `payment.bad_signature`
 * otherwise. The message never repeats Stripe's reason: for a header carrying Stripe's diagnostic
 * fields, that reason describes our signing secret (its length and last characters).
 */
export function verifyStripeSignature(
  rawBody: Buffer | string,
  header: string | undefined,
  secret: string,
  opts: { toleranceS?: number; nowS?: number } = {},
): void {
  try {
    Stripe.webhooks.signature!.verifyHeader(
      rawBody,
      header ?? '',
      secret,
      opts.toleranceS ?? STRIPE_TOLERANCE_S,
      undefined,
      opts.nowS === undefined ? undefined : opts.nowS * 1000,
    );
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) throw err;
    throw new AppError('payment.bad_signature', 400, 'Webhook signature rejected.');
  }
}

/** The header Stripe would send for `payload`, computed by Stripe's own helper (tests, local tooling). */
export function signStripePayload(
  payload: string,
  secret: string,
  timestampS = Math.floor(Date.now() / 1000),
) {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampS });
}

/** STRIPE_API_BASE as the client's host, port and protocol (it has no notion of a path prefix). */
function endpointOf(apiBase: string) {
  const url = new URL(apiBase);
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search)
    throw new Error(`STRIPE_API_BASE must be a scheme, host and port only, not ${apiBase}`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol } as const;
}

/** A failed call as the economy sees it: refused with 502, nothing charged or credited here. */
function providerError(err: unknown): ProviderError {
  if (err instanceof Stripe.errors.StripeConnectionError)
    return new ProviderError(`Stripe unreachable: ${err.message}`);
  if (err instanceof Stripe.errors.StripeError)
    return new ProviderError(`Stripe ${err.statusCode ?? 'error'}: ${err.message}`);
  return new ProviderError(`Stripe call failed: ${(err as Error).message}`);
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw providerError(err);
  }
}

/**
 * Stripe through its official client: Checkout Sessions for payments, Refunds, and the webhook
 * events handled by the coins service. Every mutating call carries an Idempotency-Key derived from
 * our own ids, so a retried request (ours, or the client's own network retry) never charges or
 * refunds twice at Stripe either.
 */
export function createStripeProvider(opts: StripeOptions): PaymentProvider {
  const stripe = new Stripe(opts.secretKey, endpointOf(opts.apiBase ?? STRIPE_API));

  return {
    name: 'stripe',
    async createCheckout(req) {
      const session = await call(() =>
        stripe.checkout.sessions.create(
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
          { idempotencyKey: `checkout_${req.purchaseId}` },
        ),
      );
      return { ref: session.id, url: session.url };
    },
    async confirm(ref) {
      const s = await call(() => stripe.checkout.sessions.retrieve(ref));
      const intent = typeof s.payment_intent === 'string' ? s.payment_intent : s.payment_intent?.id;
      if (s.payment_status === 'paid' || s.payment_status === 'no_payment_required')
        return { status: 'succeeded', paymentId: intent ?? ref };
      if (s.status === 'expired') return { status: 'failed', reason: 'checkout_expired' };
      return { status: 'pending' };
    },
    async refund(req) {
      if (!req.paymentId) throw new ProviderError('no PaymentIntent known for this purchase');
      const paymentIntent = req.paymentId;
      await call(() =>
        stripe.refunds.create(
          {
            payment_intent: paymentIntent,
            amount: req.amountCents,
            metadata: { purchase_id: req.purchaseId },
          },
          { idempotencyKey: `refund_${req.purchaseId}` },
        ),
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
  // Stripe sends no control characters; Postgres cannot store U+0000, so an event holding one would
  // fail its transaction as a 500 instead of being refused here.
  if (holdsControlCharacters(e)) throw new AppError('request.invalid', 400, 'Not a Stripe event.');
  return e as StripeEvent;
}

function holdsControlCharacters(value: unknown): boolean {
  if (typeof value === 'string') return !isCleanText(value, true);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => !isCleanText(k, true) || holdsControlCharacters(v));
}
