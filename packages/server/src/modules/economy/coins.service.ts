import type { Actor } from '@onair/core';
import type {
  AdminCoinPackage,
  CoinPackageList,
  ConfirmPurchaseBody,
  CreateCoinPackageBody,
  Purchase,
  PurchaseBody,
  UpdateCoinPackageBody,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { PurchaseRow } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { presentAdminPackage, presentPackage, presentPurchase } from './coins.presenter.ts';
import * as repo from './coins.repository.ts';
import { idempotencyConflict, requestHash } from './idempotency.ts';
import type { Ledger } from './ledger.ts';
import { type PaymentProvider, ProviderError } from './payments/provider.ts';
import { parseStripeEvent, verifyStripeSignature } from './payments/stripe.ts';

export interface CoinsDeps {
  db: Db;
  ledger: Ledger;
  /** Takes the payment for new purchases. */
  provider: PaymentProvider;
  /** Every provider a stored purchase may name (a server that switched providers still refunds old ones). */
  providers: PaymentProvider[];
  currency: string;
  publicUrl: string;
  stripeWebhookSecret?: string | undefined;
  log: Logger;
}

interface ProviderEvent {
  provider: string;
  eventId: string;
  type: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const providerFailed = (err: unknown) =>
  new AppError('payment.provider_error', 502, `The payment provider failed: ${(err as Error).message}`);

/**
 * Buying coins: a purchase is recorded, the provider takes the payment, and only a confirmed payment
 * (in place or by signed webhook) issues coins into the wallet — once, however often it is confirmed.
 * Refunds and chargebacks take back what is still unspent.
 */
export function createCoinsService(deps: CoinsDeps) {
  const { db, ledger, log } = deps;

  function providerFor(p: PurchaseRow): PaymentProvider {
    const provider = deps.providers.find((x) => x.name === p.provider);
    if (!provider)
      throw new AppError(
        'payment.provider_unavailable',
        503,
        `The ${p.provider} provider is not configured.`,
      );
    return provider;
  }

  function replayOrConflict(prior: PurchaseRow, hash: string) {
    if (prior.requestHash !== hash) throw idempotencyConflict();
    return { purchase: presentPurchase(prior), replayed: true };
  }

  async function accountsFor(userId: string) {
    const [wallet, issuance, clearing, revenue] = await Promise.all([
      ledger.accountId(userId, 'COIN', true),
      ledger.systemAccount('coin_issuance'),
      ledger.systemAccount('payment_clearing'),
      ledger.systemAccount('platform_revenue'),
    ]);
    return { wallet: wallet!, issuance, clearing, revenue };
  }

  /** Issues the purchase's coins once the provider confirmed the payment. */
  async function credit(
    purchaseId: string,
    paymentId: string,
    event?: ProviderEvent,
  ): Promise<{ duplicate: boolean }> {
    const found = await repo.findPurchase(db, purchaseId);
    if (!found) return { duplicate: false };
    const a = await accountsFor(found.userId);
    return db.transaction().execute(async (trx) => {
      if (event && !(await repo.recordEvent(trx, event))) return { duplicate: true };
      const p = (await repo.lockPurchase(trx, purchaseId))!;
      // Already credited (or refunded since): a second confirmation changes nothing.
      if (p.status !== 'pending' && p.status !== 'failed') return { duplicate: false };
      const book = await ledger.lock(trx, [a.wallet, a.issuance, a.clearing, a.revenue]);
      book.post({
        key: `purchase:${p.id}`,
        kind: 'purchase',
        requestHash: p.requestHash,
        postings: [
          { accountId: a.issuance, amount: -p.coins },
          { accountId: a.wallet, amount: p.coins },
          { accountId: a.clearing, amount: -p.priceCents },
          { accountId: a.revenue, amount: p.priceCents },
        ],
      });
      await book.flush(trx);
      await repo.updatePurchase(trx, p.id, {
        status: 'succeeded',
        providerPaymentId: paymentId,
        failureReason: null,
      });
      log.info({ purchaseId: p.id, userId: p.userId, coins: p.coins }, 'coins purchased');
      return { duplicate: false };
    });
  }

  async function markFailed(purchaseId: string, reason: string, event?: ProviderEvent) {
    return db.transaction().execute(async (trx) => {
      if (event && !(await repo.recordEvent(trx, event))) return { duplicate: true };
      const p = await repo.lockPurchase(trx, purchaseId);
      if (p?.status === 'pending')
        await repo.updatePurchase(trx, p.id, { status: 'failed', failureReason: reason });
      return { duplicate: false };
    });
  }

  /**
   * Refund or chargeback: the cash goes back as the provider says, and the purchase's coins are taken
   * back as far as they are still in the wallet (spent coins became someone's diamonds). Once per
   * purchase, whichever of refund, webhook or dispute comes first.
   */
  async function reverse(
    purchaseId: string,
    how: 'refunded' | 'disputed',
    amountCents: number,
    event?: ProviderEvent,
  ): Promise<{ duplicate: boolean }> {
    const found = await repo.findPurchase(db, purchaseId);
    if (!found) return { duplicate: false };
    const a = await accountsFor(found.userId);
    return db.transaction().execute(async (trx) => {
      if (event && !(await repo.recordEvent(trx, event))) return { duplicate: true };
      const p = (await repo.lockPurchase(trx, purchaseId))!;
      if (p.status !== 'succeeded') return { duplicate: false };
      const book = await ledger.lock(trx, [a.wallet, a.issuance, a.clearing, a.revenue]);
      const coinsBack = Math.min(p.coins, book.account(a.wallet).balance);
      const cents = Math.max(0, Math.min(Math.trunc(amountCents), p.priceCents));
      const postings: { accountId: number; amount: number }[] = [];
      if (coinsBack > 0)
        postings.push(
          { accountId: a.wallet, amount: -coinsBack },
          { accountId: a.issuance, amount: coinsBack },
        );
      if (cents > 0)
        postings.push({ accountId: a.revenue, amount: -cents }, { accountId: a.clearing, amount: cents });
      if (postings.length > 0) {
        book.post({
          key: `purchase_reversal:${p.id}`,
          kind: 'purchase_reversal',
          requestHash: how,
          postings,
        });
        await book.flush(trx);
      }
      await repo.updatePurchase(trx, p.id, { status: how, coinsReversed: coinsBack });
      log.warn({ purchaseId: p.id, userId: p.userId, how, coinsBack, cents }, 'coin purchase reversed');
      return { duplicate: false };
    });
  }

  async function purchaseForCheckout(obj: Record<string, unknown>): Promise<PurchaseRow | undefined> {
    const meta = obj.metadata as Record<string, unknown> | undefined;
    const id = meta?.purchase_id ?? obj.client_reference_id;
    if (typeof id === 'string' && UUID.test(id)) {
      const p = await repo.findPurchase(db, id);
      if (p) return p;
    }
    return typeof obj.id === 'string' ? repo.findPurchaseBy(db, 'providerRef', obj.id) : undefined;
  }

  const purchaseForPayment = (obj: Record<string, unknown>) =>
    typeof obj.payment_intent === 'string'
      ? repo.findPurchaseBy(db, 'providerPaymentId', obj.payment_intent)
      : Promise.resolve(undefined);

  return {
    async packages(): Promise<CoinPackageList> {
      const rows = await repo.listPackages(db, { activeOnly: true });
      return {
        packages: rows.filter((p) => p.currency === deps.currency).map(presentPackage),
        currency: deps.currency,
        provider: deps.provider.name,
      };
    },

    async buy(actor: Actor | null, body: PurchaseBody): Promise<{ purchase: Purchase; replayed: boolean }> {
      requireAccess(actor, 'wallet.purchase', { ownerId: actor?.id ?? '' });
      const hash = requestHash([body.packageId]);
      const prior = await repo.findPurchaseByKey(db, actor.id, body.idempotencyKey);
      if (prior) return replayOrConflict(prior, hash);
      const pkg = await repo.findPackage(db, body.packageId);
      if (!pkg?.active)
        throw notFound('payment.package_unknown', `There is no coin package "${body.packageId}".`);
      if (pkg.currency !== deps.currency)
        throw badRequest(
          'payment.currency_unsupported',
          `This server takes payments in ${deps.currency}, not ${pkg.currency}.`,
        );
      const created = await repo.insertPurchase(db, {
        userId: actor.id,
        packageId: pkg.id,
        coins: pkg.coins,
        priceCents: pkg.priceCents,
        currency: pkg.currency,
        provider: deps.provider.name,
        idempotencyKey: body.idempotencyKey,
        requestHash: hash,
      });
      if (!created) {
        const raced = await repo.findPurchaseByKey(db, actor.id, body.idempotencyKey);
        return replayOrConflict(raced!, hash);
      }
      try {
        const checkout = await deps.provider.createCheckout({
          purchaseId: created.id,
          userId: actor.id,
          amountCents: pkg.priceCents,
          currency: pkg.currency,
          description: `${pkg.coins.toLocaleString('en-US')} OnAir coins`,
          successUrl: `${deps.publicUrl}/wallet?purchase=${created.id}`,
          cancelUrl: `${deps.publicUrl}/wallet?purchase=${created.id}&cancelled=1`,
        });
        const row = await repo.updatePurchase(db, created.id, {
          providerRef: checkout.ref,
          checkoutUrl: checkout.url,
        });
        return { purchase: presentPurchase(row), replayed: false };
      } catch (err) {
        await repo.updatePurchase(db, created.id, { status: 'failed', failureReason: 'provider_error' });
        if (err instanceof AppError) throw err;
        log.error({ err, purchaseId: created.id }, 'checkout could not be created');
        throw providerFailed(err);
      }
    },

    async purchase(actor: Actor | null, id: string): Promise<Purchase> {
      requireAccess(actor, 'wallet.read', { ownerId: actor?.id ?? '' });
      const p = await repo.findPurchase(db, id);
      if (!p || p.userId !== actor.id) throw notFound('payment.not_found', 'No such purchase.');
      return presentPurchase(p);
    },

    /** Asks the provider where the payment stands (the sandbox pays here, with an optional test card). */
    async confirm(actor: Actor | null, id: string, body: ConfirmPurchaseBody): Promise<Purchase> {
      requireAccess(actor, 'wallet.purchase', { ownerId: actor?.id ?? '' });
      const p = await repo.findPurchase(db, id);
      if (!p || p.userId !== actor.id) throw notFound('payment.not_found', 'No such purchase.');
      if (body.card !== undefined && p.provider !== 'sandbox')
        throw badRequest('request.invalid', 'Test cards only work with the sandbox provider.');
      if (p.status === 'pending' && p.providerRef) {
        let outcome: Awaited<ReturnType<PaymentProvider['confirm']>>;
        try {
          outcome = await providerFor(p).confirm(p.providerRef, { card: body.card });
        } catch (err) {
          if (err instanceof ProviderError) throw providerFailed(err);
          throw err;
        }
        if (outcome.status === 'succeeded') await credit(p.id, outcome.paymentId);
        else if (outcome.status === 'failed') await markFailed(p.id, outcome.reason);
      }
      return presentPurchase((await repo.findPurchase(db, id))!);
    },

    /** Admin: refund through the provider and take back the unspent coins. */
    async refund(actor: Actor | null, id: string): Promise<Purchase> {
      requireAccess(actor, 'economy.manage', null);
      const p = await repo.findPurchase(db, id);
      if (!p) throw notFound('payment.not_found', 'No such purchase.');
      if (p.status !== 'succeeded')
        throw conflict('payment.state', `Only a paid purchase can be refunded; this one is ${p.status}.`);
      try {
        await providerFor(p).refund({
          purchaseId: p.id,
          ref: p.providerRef ?? '',
          paymentId: p.providerPaymentId,
          amountCents: p.priceCents,
        });
      } catch (err) {
        if (err instanceof ProviderError) throw providerFailed(err);
        throw err;
      }
      await reverse(p.id, 'refunded', p.priceCents);
      log.info({ by: actor.id, purchaseId: p.id }, 'purchase refunded');
      return presentPurchase((await repo.findPurchase(db, id))!);
    },

    /**
     * A Stripe webhook: the signature is checked on the raw body before anything is read, and the
     * event id is recorded with its effect, so a replayed delivery changes nothing.
     */
    async stripeWebhook(
      raw: Buffer,
      signature: string | undefined,
    ): Promise<{ received: true; duplicate: boolean }> {
      if (!deps.stripeWebhookSecret)
        throw new AppError(
          'payment.provider_unavailable',
          503,
          'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET).',
        );
      verifyStripeSignature(raw, signature, deps.stripeWebhookSecret);
      const event = parseStripeEvent(raw);
      const ev: ProviderEvent = { provider: 'stripe', eventId: event.id, type: event.type };
      const obj = event.data.object;
      let handled: { duplicate: boolean } | undefined;
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded': {
          const p = await purchaseForCheckout(obj);
          if (p && (obj.payment_status === 'paid' || obj.payment_status === 'no_payment_required'))
            handled = await credit(
              p.id,
              typeof obj.payment_intent === 'string' ? obj.payment_intent : String(obj.id),
              ev,
            );
          break;
        }
        case 'checkout.session.async_payment_failed':
        case 'checkout.session.expired': {
          const p = await purchaseForCheckout(obj);
          if (p)
            handled = await markFailed(
              p.id,
              event.type === 'checkout.session.expired' ? 'checkout_expired' : 'payment_failed',
              ev,
            );
          break;
        }
        case 'charge.refunded': {
          const p = await purchaseForPayment(obj);
          if (p) handled = await reverse(p.id, 'refunded', Number(obj.amount_refunded ?? p.priceCents), ev);
          break;
        }
        case 'charge.dispute.created': {
          const p = await purchaseForPayment(obj);
          if (p) handled = await reverse(p.id, 'disputed', Number(obj.amount ?? p.priceCents), ev);
          break;
        }
      }
      if (!handled) {
        // Not about a purchase of ours (or not a type we act on): remembered, so replays are recognised.
        const fresh = await repo.recordEvent(db, ev);
        if (fresh) log.info({ eventId: event.id, type: event.type }, 'stripe event ignored');
        return { received: true, duplicate: !fresh };
      }
      return { received: true, ...handled };
    },

    async adminPackages(actor: Actor | null): Promise<AdminCoinPackage[]> {
      requireAccess(actor, 'economy.manage', null);
      return (await repo.listPackages(db, { activeOnly: false })).map(presentAdminPackage);
    },

    async createPackage(actor: Actor | null, body: CreateCoinPackageBody): Promise<AdminCoinPackage> {
      requireAccess(actor, 'economy.manage', null);
      if (body.currency !== deps.currency)
        throw badRequest('payment.currency_unsupported', `Packages must be priced in ${deps.currency}.`);
      const row = await repo.insertPackage(db, body);
      if (!row) throw conflict('catalog.id_taken', `A coin package called "${body.id}" already exists.`);
      log.info({ by: actor.id, package: row.id }, 'coin package added');
      return presentAdminPackage(row);
    },

    async updatePackage(
      actor: Actor | null,
      id: string,
      body: UpdateCoinPackageBody,
    ): Promise<AdminCoinPackage> {
      requireAccess(actor, 'economy.manage', null);
      if (body.currency !== undefined && body.currency !== deps.currency)
        throw badRequest('payment.currency_unsupported', `Packages must be priced in ${deps.currency}.`);
      const row = await repo.updatePackage(db, id, body);
      if (!row) throw notFound('payment.package_unknown', `There is no coin package "${id}".`);
      log.info({ by: actor.id, package: id, patch: body }, 'coin package updated');
      return presentAdminPackage(row);
    },
  };
}

export type CoinsService = ReturnType<typeof createCoinsService>;
