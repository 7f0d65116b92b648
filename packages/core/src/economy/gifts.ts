import { BPS, isAmount, LedgerRuleError } from './ledger.ts';

export const GIFT_TIERS = ['small', 'medium', 'large', 'epic'] as const;
export type GiftTier = (typeof GIFT_TIERS)[number];

/** Small gifts stack into a combo ("x17"); bigger ones each get their own moment on screen. */
export const isStreakable = (tier: GiftTier): boolean => tier === 'small';

/** Coins a send costs: unit price × quantity, refusing anything a safe integer cannot hold. */
export function giftCost(unitCoins: number, quantity: number): number {
  if (!isAmount(unitCoins) || unitCoins <= 0) throw new LedgerRuleError(`bad gift price ${unitCoins}`);
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new LedgerRuleError(`bad quantity ${quantity}`);
  const total = unitCoins * quantity;
  if (!isAmount(total)) throw new LedgerRuleError('gift cost is beyond safe integers');
  return total;
}

export interface CreatorShare {
  /** Whole diamonds credited to the creator for this gift. */
  diamonds: number;
  /** Fraction of a diamond (in 1/10,000) carried to the creator's next gift. */
  carry: number;
}

/**
 * Diamonds for a gift of `coins`: the creator gets (100 % − platform share) of the coins as diamonds,
 * one diamond per coin of value. The fraction that does not make a whole diamond is carried, so over
 * any sequence of gifts a creator receives exactly floor(Σ coins × creator share) diamonds — rounding
 * neither creates value nor loses more than a fraction of one diamond.
 */
export function creatorShare(coins: number, platformShareBps: number, carry: number): CreatorShare {
  if (!isAmount(coins) || coins < 0) throw new LedgerRuleError(`bad coin amount ${coins}`);
  if (!Number.isInteger(platformShareBps) || platformShareBps < 0 || platformShareBps > BPS)
    throw new LedgerRuleError(`bad platform share ${platformShareBps}`);
  if (!Number.isInteger(carry) || carry < 0 || carry >= BPS) throw new LedgerRuleError(`bad carry ${carry}`);
  const units = coins * (BPS - platformShareBps) + carry;
  if (!isAmount(units)) throw new LedgerRuleError('gift value is beyond safe integers');
  return { diamonds: Math.floor(units / BPS), carry: units % BPS };
}
