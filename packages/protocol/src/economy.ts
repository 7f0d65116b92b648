import { z } from 'zod';
import { Cursor, Text } from './text.ts';

/** Money on the wire: whole coins, diamonds or cents, never fractions. */
const Amount = z.number().int();
const PositiveAmount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const ASSET_NAMES = ['COIN', 'DIAMOND', 'FIAT_CENTS'] as const;
export const AssetName = z.enum(ASSET_NAMES);
export type AssetName = z.infer<typeof AssetName>;

/** Catalog ids are readable slugs ("rose", "coins_70") so links, bots and logs stay legible. */
export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_]{1,31}$/, '2-32 lowercase letters, digits or "_"');
export const SlugParams = z.object({ id: Slug });

/**
 * A client-chosen key that makes a money request safe to retry: the same key with the same body gets
 * the original result; the same key with a different body is refused.
 */
export const IdempotencyKey = z
  .string()
  .min(8, 'at least 8 characters')
  .max(100)
  .regex(/^[\w.:-]+$/, 'letters, digits and _ . : - only');

export const GIFT_TIER_NAMES = ['small', 'medium', 'large', 'epic'] as const;
export const GiftTierName = z.enum(GIFT_TIER_NAMES);
/** How the room shows a gift: small ones float up and stack, big ones take over the screen. */
export const GIFT_ANIMATIONS = ['float', 'burst', 'banner', 'fullscreen'] as const;
export const GiftAnimation = z.enum(GIFT_ANIMATIONS);

export const Gift = z
  .object({
    id: z.string(),
    name: z.string(),
    coins: Amount,
    /** An emoji or an image URL. */
    icon: z.string(),
    animation: GiftAnimation,
    tier: GiftTierName,
    /** Small gifts sent again within a few seconds stack into one streak ("x17"). */
    streakable: z.boolean(),
  })
  .meta({ id: 'Gift' });
export type Gift = z.infer<typeof Gift>;

export const AdminGift = Gift.extend({ active: z.boolean(), sort: z.number().int() }).meta({
  id: 'AdminGift',
});
export type AdminGift = z.infer<typeof AdminGift>;

export const GiftCatalog = z.object({ gifts: z.array(Gift) });
export type GiftCatalog = z.infer<typeof GiftCatalog>;
export const AdminGiftCatalog = z.object({ gifts: z.array(AdminGift) });

const GiftFields = {
  name: Text({ min: 1, max: 40 }),
  coins: z.number().int().min(1).max(1_000_000),
  icon: Text({ min: 1, max: 300 }),
  animation: GiftAnimation,
  tier: GiftTierName,
  sort: z.number().int().min(0).max(1_000_000),
  active: z.boolean(),
};
export const CreateGiftBody = z
  .object({
    id: Slug,
    ...GiftFields,
    sort: GiftFields.sort.optional(),
    active: GiftFields.active.optional(),
  })
  .strict();
export type CreateGiftBody = z.infer<typeof CreateGiftBody>;
export const UpdateGiftBody = z
  .object(GiftFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateGiftBody = z.infer<typeof UpdateGiftBody>;

export const CoinPackage = z
  .object({
    id: z.string(),
    coins: Amount,
    priceCents: Amount,
    /** ISO 4217, upper case (USD). */
    currency: z.string(),
  })
  .meta({ id: 'CoinPackage' });
export type CoinPackage = z.infer<typeof CoinPackage>;
export const AdminCoinPackage = CoinPackage.extend({ active: z.boolean(), sort: z.number().int() }).meta({
  id: 'AdminCoinPackage',
});
export type AdminCoinPackage = z.infer<typeof AdminCoinPackage>;

export const PAYMENT_PROVIDERS = ['sandbox', 'stripe'] as const;
export const PaymentProviderName = z.enum(PAYMENT_PROVIDERS);
export type PaymentProviderName = z.infer<typeof PaymentProviderName>;

export const CoinPackageList = z.object({
  packages: z.array(CoinPackage),
  currency: z.string(),
  /** Which provider takes the payment for new purchases on this server. */
  provider: PaymentProviderName,
});
export type CoinPackageList = z.infer<typeof CoinPackageList>;
export const AdminCoinPackageList = z.object({ packages: z.array(AdminCoinPackage) });

const PackageFields = {
  coins: z.number().int().min(1).max(10_000_000),
  priceCents: z.number().int().min(1).max(100_000_000),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'a 3-letter ISO 4217 code'),
  sort: z.number().int().min(0).max(1_000_000),
  active: z.boolean(),
};
export const CreateCoinPackageBody = z
  .object({
    id: Slug,
    ...PackageFields,
    sort: PackageFields.sort.optional(),
    active: PackageFields.active.optional(),
  })
  .strict();
export type CreateCoinPackageBody = z.infer<typeof CreateCoinPackageBody>;
export const UpdateCoinPackageBody = z
  .object(PackageFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateCoinPackageBody = z.infer<typeof UpdateCoinPackageBody>;

export const Wallet = z
  .object({ coins: Amount, diamonds: Amount, currency: z.string() })
  .meta({ id: 'Wallet' });
export type Wallet = z.infer<typeof Wallet>;

export const TRANSFER_KINDS = [
  'purchase',
  'purchase_reversal',
  'gift',
  'withdrawal',
  'withdrawal_reversal',
  'payout',
  'reward',
] as const;
export const TransferKind = z.enum(TRANSFER_KINDS);
export type TransferKind = z.infer<typeof TransferKind>;

export const StatementEntry = z
  .object({
    transferId: z.string(),
    kind: TransferKind,
    asset: AssetName,
    /** Signed: + credited to this account, − debited from it. */
    amount: Amount,
    balanceAfter: Amount,
    /** A line a person can read: "Rose ×17 to @ana". */
    memo: z.string(),
    gift: z.object({ id: z.string(), name: z.string(), quantity: z.number().int() }).nullable(),
    counterparty: z.object({ handle: z.string(), displayName: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'StatementEntry' });
export type StatementEntry = z.infer<typeof StatementEntry>;

export const StatementQuery = z.object({
  asset: AssetName.default('COIN'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor(40).optional(),
});
export const Statement = z.object({
  asset: AssetName,
  balance: Amount,
  entries: z.array(StatementEntry),
  nextCursor: z.string().nullable(),
});
export type Statement = z.infer<typeof Statement>;

export const PURCHASE_STATUSES = ['pending', 'succeeded', 'failed', 'refunded', 'disputed'] as const;
export const PurchaseStatus = z.enum(PURCHASE_STATUSES);

export const Purchase = z
  .object({
    id: z.string(),
    packageId: z.string(),
    coins: Amount,
    priceCents: Amount,
    currency: z.string(),
    provider: PaymentProviderName,
    status: PurchaseStatus,
    failureReason: z.string().nullable(),
    /** Where to send the buyer to pay (Stripe Checkout); null for the sandbox, which confirms in place. */
    checkoutUrl: z.string().nullable(),
    /** Coins taken back by a refund or chargeback (only what was still unspent). */
    coinsReversed: Amount,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Purchase' });
export type Purchase = z.infer<typeof Purchase>;

export const PurchaseBody = z.object({ packageId: Slug, idempotencyKey: IdempotencyKey }).strict();
export type PurchaseBody = z.infer<typeof PurchaseBody>;

/** Sandbox only: a test card number; 4000 0000 0000 0002 is declined, like Stripe's test card. */
export const SANDBOX_DECLINE_CARD = '4000000000000002';
export const ConfirmPurchaseBody = z
  .object({
    card: z
      .string()
      .regex(/^\d{12,19}$/, '12-19 digits')
      .optional(),
  })
  .strict();
export type ConfirmPurchaseBody = z.infer<typeof ConfirmPurchaseBody>;

export const SendGiftBody = z
  .object({
    giftId: Slug,
    quantity: z.number().int().min(1).max(9999).default(1),
    idempotencyKey: IdempotencyKey,
    /** The gift drawer's combo: sends with the same combo id stack into one streak. */
    comboId: z
      .string()
      .regex(/^[\w-]{1,64}$/)
      .optional(),
  })
  .strict();
export type SendGiftBody = z.infer<typeof SendGiftBody>;

export const GiftStreak = z.object({
  id: z.string(),
  /** Gifts in the streak so far: the room shows "x{count}". */
  count: z.number().int(),
  /** The streak ends at this time unless another send extends it. */
  endsAt: z.string(),
});
export type GiftStreak = z.infer<typeof GiftStreak>;

export const GiftReceipt = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    gift: Gift,
    quantity: z.number().int(),
    coins: Amount,
    diamonds: Amount,
    /** Your coin balance right after this gift. */
    balance: z.object({ coins: Amount }),
    streak: GiftStreak,
    createdAt: z.string(),
  })
  .meta({ id: 'GiftReceipt' });
export type GiftReceipt = z.infer<typeof GiftReceipt>;

/** What the room shows for a gift: carried by the `gift` realtime frame. */
export const GiftEvent = z.object({
  id: z.string(),
  sessionId: z.string(),
  gift: Gift.pick({ id: true, name: true, coins: true, tier: true, animation: true, icon: true }),
  from: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }),
  quantity: z.number().int(),
  totalCoins: Amount,
  streak: GiftStreak,
  at: z.string(),
});
export type GiftEvent = z.infer<typeof GiftEvent>;

export const TopGifters = z.object({
  sessionId: z.string().nullable(),
  gifters: z.array(
    z.object({
      user: z.object({
        id: z.string(),
        handle: z.string(),
        displayName: z.string(),
        avatarUrl: z.string().nullable(),
      }),
      coins: Amount,
    }),
  ),
});
export type TopGifters = z.infer<typeof TopGifters>;

export const WITHDRAWAL_STATUSES = ['pending', 'approved', 'paid', 'failed', 'rejected'] as const;
export const WithdrawalStatus = z.enum(WITHDRAWAL_STATUSES);

export const Withdrawal = z
  .object({
    id: z.string(),
    user: z.object({ id: z.string(), handle: z.string() }),
    diamonds: Amount,
    grossCents: Amount,
    feeCents: Amount,
    netCents: Amount,
    currency: z.string(),
    status: WithdrawalStatus,
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .meta({ id: 'Withdrawal' });
export type Withdrawal = z.infer<typeof Withdrawal>;

export const WithdrawalBody = z.object({ diamonds: PositiveAmount, idempotencyKey: IdempotencyKey }).strict();
export type WithdrawalBody = z.infer<typeof WithdrawalBody>;
export const RejectWithdrawalBody = z.object({ reason: Text({ min: 1, max: 200 }).optional() }).strict();

export const WithdrawalsQuery = z.object({
  status: WithdrawalStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor().optional(),
});
export const WithdrawalList = z.object({ items: z.array(Withdrawal), nextCursor: z.string().nullable() });
export type WithdrawalList = z.infer<typeof WithdrawalList>;

export const Earnings = z
  .object({
    diamonds: Amount,
    /** What the diamonds are worth now, in cents of `currency`, before the withdrawal fee. */
    valueCents: Amount,
    currency: z.string(),
    rates: z.object({
      /** Share of each gift's coins the platform keeps (basis points: 5000 = 50 %). */
      platformShareBps: z.number().int(),
      /** Value of one diamond in 1/1000 of a cent. */
      diamondValueMillicents: z.number().int(),
      withdrawalFeeBps: z.number().int(),
      withdrawalMinDiamonds: z.number().int(),
    }),
    /** Withdrawals requested or approved but not yet paid. */
    pending: z.object({ count: z.number().int(), diamonds: Amount, netCents: Amount }),
    paidCents: Amount,
    recentWithdrawals: z.array(Withdrawal),
  })
  .meta({ id: 'Earnings' });
export type Earnings = z.infer<typeof Earnings>;

export const LedgerProblem = z.object({
  check: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export const LedgerCheck = z
  .object({
    ok: z.boolean(),
    checkedAt: z.string(),
    counts: z.object({ accounts: z.number(), transfers: z.number(), postings: z.number() }),
    totals: z.object({
      coins: z.object({ issued: Amount, held: Amount, spent: Amount }),
      /** `rewarded`: LIVE Rewards bonuses paid from the rewards pool, diamonds issued too. */
      diamonds: z.object({ issued: Amount, held: Amount, redeemed: Amount, rewarded: Amount }),
      fiatCents: z.object({ received: Amount, revenue: Amount, owedToCreators: Amount }),
    }),
    problems: z.array(LedgerProblem),
  })
  .meta({ id: 'LedgerCheck' });
export type LedgerCheck = z.infer<typeof LedgerCheck>;

/** The acknowledgement Stripe gets for a webhook it delivered. */
export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() });
