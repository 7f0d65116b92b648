import type { PaymentProviderName } from '@onair/protocol';

export interface CheckoutRequest {
  purchaseId: string;
  userId: string;
  amountCents: number;
  currency: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
}

export interface Checkout {
  /** The provider's reference for this payment attempt (a Checkout Session id, a sandbox id). */
  ref: string;
  /** Where the buyer pays; null when the payment is confirmed in place (sandbox). */
  url: string | null;
}

export type PaymentOutcome =
  | { status: 'succeeded'; paymentId: string }
  | { status: 'failed'; reason: string }
  | { status: 'pending' };

export interface RefundRequest {
  purchaseId: string;
  ref: string;
  paymentId: string | null;
  amountCents: number;
}

export interface PayoutRequest {
  withdrawalId: string;
  userId: string;
  amountCents: number;
  currency: string;
}

export type PayoutOutcome = { status: 'paid'; ref: string } | { status: 'failed'; reason: string };

/**
 * Everything the economy needs from a payment company. Coins are credited only once the provider
 * confirms a payment (in place or by webhook); refunds and chargebacks come back the same way.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  createCheckout(req: CheckoutRequest): Promise<Checkout>;
  /** Asks the provider where a payment stands (and, in the sandbox, pays with a test card). */
  confirm(ref: string, opts: { card?: string | undefined }): Promise<PaymentOutcome>;
  refund(req: RefundRequest): Promise<void>;
  payout(req: PayoutRequest): Promise<PayoutOutcome>;
}

/** A provider call that failed: the request is refused with 502 and nothing is charged or credited. */
export class ProviderError extends Error {
  override name = 'ProviderError';
}
