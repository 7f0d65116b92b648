import { randomUUID } from 'node:crypto';
import { SANDBOX_DECLINE_CARD } from '@onair/protocol';
import type { PaymentProvider, PayoutOutcome, PayoutRequest } from './provider.ts';

export interface SandboxProvider extends PaymentProvider {
  /** Makes payouts fail (for trying the failure path); null restores instant success. */
  simulatePayoutFailure(predicate: ((req: PayoutRequest) => string | null) | null): void;
}

/**
 * The default provider: payments succeed at once unless paid with the decline test card, refunds and
 * payouts succeed. No money moves; everything else (ledger, webhooks' idempotency) is real.
 */
export function createSandboxProvider(): SandboxProvider {
  let failPayout: ((req: PayoutRequest) => string | null) | null = null;
  return {
    name: 'sandbox',
    async createCheckout() {
      return { ref: `sbx_${randomUUID()}`, url: null };
    },
    async confirm(ref, { card }) {
      if (card === SANDBOX_DECLINE_CARD) return { status: 'failed', reason: 'card_declined' };
      return { status: 'succeeded', paymentId: `${ref}_pay` };
    },
    async refund() {},
    async payout(req): Promise<PayoutOutcome> {
      const reason = failPayout?.(req) ?? null;
      if (reason) return { status: 'failed', reason };
      return { status: 'paid', ref: `sbx_po_${req.withdrawalId}` };
    },
    simulatePayoutFailure(predicate) {
      failPayout = predicate;
    },
  };
}
