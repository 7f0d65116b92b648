import type { Actor } from '@onair/core';
import type { LedgerCheck, PaymentProviderName } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { checkLedger } from './check-ledger.ts';
import { createCoinsService } from './coins.service.ts';
import { createGiftsService } from './gifts.service.ts';
import { createLedger } from './ledger.ts';
import type { PaymentProvider } from './payments/provider.ts';
import { createSandboxProvider } from './payments/sandbox.ts';
import { createStripeProvider } from './payments/stripe.ts';
import { createWalletService } from './wallet.service.ts';
import { createWithdrawalsService } from './withdrawals.service.ts';

/** The economy's settings, taken from the validated config. */
export interface EconomyConfig {
  currency: string;
  platformShareBps: number;
  diamondValueMillicents: number;
  withdrawalMinDiamonds: number;
  withdrawalFeeBps: number;
  giftBatchMs: number;
  giftBatchMax: number;
  paymentProvider: PaymentProviderName;
  stripeSecretKey?: string | undefined;
  stripeWebhookSecret?: string | undefined;
  stripeApiBase?: string | undefined;
  publicUrl: string;
}

export function economyConfig(config: Config): EconomyConfig {
  return {
    currency: config.CURRENCY,
    platformShareBps: config.PLATFORM_SHARE_BPS,
    diamondValueMillicents: config.DIAMOND_VALUE_MILLICENTS,
    withdrawalMinDiamonds: config.WITHDRAWAL_MIN_DIAMONDS,
    withdrawalFeeBps: config.WITHDRAWAL_FEE_BPS,
    giftBatchMs: config.GIFT_BATCH_MS,
    giftBatchMax: config.GIFT_BATCH_MAX,
    paymentProvider: config.PAYMENT_PROVIDER,
    stripeSecretKey: config.STRIPE_SECRET_KEY,
    stripeWebhookSecret: config.STRIPE_WEBHOOK_SECRET,
    stripeApiBase: config.STRIPE_API_BASE,
    publicUrl: config.publicUrl,
  };
}

export interface EconomyDeps {
  db: Db;
  accounts: AccountsService;
  live: Pick<LiveService, 'currentSessions'>;
  bus: Bus;
  /** Where `economy.gift_committed` is told, after each gift commits. */
  events: Pick<DomainEvents, 'emit'>;
  log: Logger;
  config: EconomyConfig;
  /** Pool size of the database: how many one-gift transactions may run at once with batching off. */
  dbConnections?: number;
}

/** Wallets, coin purchases, gifting, withdrawals and the ledger they all write to. */
export function createEconomyService(deps: EconomyDeps) {
  const { db, config, log } = deps;
  const ledger = createLedger(db);
  const sandbox = createSandboxProvider();
  const stripe = config.stripeSecretKey
    ? createStripeProvider({ secretKey: config.stripeSecretKey, apiBase: config.stripeApiBase })
    : undefined;
  const providers: PaymentProvider[] = stripe ? [sandbox, stripe] : [sandbox];
  const provider = config.paymentProvider === 'stripe' && stripe ? stripe : sandbox;

  const withdrawals = createWithdrawalsService({
    db,
    ledger,
    provider,
    currency: config.currency,
    rules: {
      diamondValueMillicents: config.diamondValueMillicents,
      feeBps: config.withdrawalFeeBps,
      minDiamonds: config.withdrawalMinDiamonds,
    },
    log: log.child({ part: 'withdrawals' }),
    events: deps.events,
  });
  const gifts = createGiftsService({
    db,
    ledger,
    accounts: deps.accounts,
    live: deps.live,
    bus: deps.bus,
    events: deps.events,
    log: log.child({ part: 'gifts' }),
    platformShareBps: config.platformShareBps,
    batch:
      config.giftBatchMax === 1
        ? // Group commit off: one transaction per gift, as many at once as the pool allows.
          { windowMs: 0, maxBatch: 1, concurrency: Math.max(1, deps.dbConnections ?? 1) }
        : // Two batches in flight: one's lookups overlap the other's transaction (locks order them).
          { windowMs: config.giftBatchMs, maxBatch: config.giftBatchMax, concurrency: 2 },
  });
  const coins = createCoinsService({
    db,
    ledger,
    provider,
    providers,
    currency: config.currency,
    publicUrl: config.publicUrl,
    stripeWebhookSecret: config.stripeWebhookSecret,
    log: log.child({ part: 'coins' }),
  });
  const wallet = createWalletService({
    db,
    ledger,
    withdrawals,
    currency: config.currency,
    rates: {
      platformShareBps: config.platformShareBps,
      diamondValueMillicents: config.diamondValueMillicents,
      withdrawalFeeBps: config.withdrawalFeeBps,
      withdrawalMinDiamonds: config.withdrawalMinDiamonds,
    },
  });

  return {
    ledger,
    wallet,
    coins,
    gifts,
    withdrawals,
    providers: { sandbox, stripe },

    async checkLedger(actor: Actor | null): Promise<LedgerCheck> {
      requireAccess(actor, 'ledger.audit', null);
      const report = await checkLedger(db);
      if (!report.ok) log.error({ problems: report.problems.slice(0, 10) }, 'ledger check failed');
      return report;
    },

    /** Lets in-flight gifts commit before the database closes. */
    close: () => gifts.close(),
  };
}

export type EconomyService = ReturnType<typeof createEconomyService>;
