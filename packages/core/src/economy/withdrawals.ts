import { BPS, isAmount, mulDivCeil, mulDivFloor } from './ledger.ts';

/** Money per diamond is in millicents (1/1000 of a cent), so sub-cent rates stay integers. */
export const MILLICENTS_PER_CENT = 1000;

/** What diamonds are worth in cents at the configured rate, rounded down. */
export function diamondsToCents(diamonds: number, diamondValueMillicents: number): number {
  return mulDivFloor(diamonds, diamondValueMillicents, MILLICENTS_PER_CENT);
}

export interface WithdrawalRules {
  diamondValueMillicents: number;
  feeBps: number;
  minDiamonds: number;
}

export type WithdrawalQuote =
  | { ok: true; diamonds: number; grossCents: number; feeCents: number; netCents: number }
  | { ok: false; reason: 'below_minimum' | 'nothing_to_pay' | 'not_an_amount' };

/**
 * The cash a withdrawal of `diamonds` pays: their value rounded down, less a fee rounded up, so the
 * creator is never paid a fraction of a cent the diamonds were not worth.
 */
export function quoteWithdrawal(diamonds: number, rules: WithdrawalRules): WithdrawalQuote {
  if (!isAmount(diamonds) || diamonds <= 0) return { ok: false, reason: 'not_an_amount' };
  if (diamonds < rules.minDiamonds) return { ok: false, reason: 'below_minimum' };
  const grossCents = diamondsToCents(diamonds, rules.diamondValueMillicents);
  const feeCents = mulDivCeil(grossCents, rules.feeBps, BPS);
  const netCents = grossCents - feeCents;
  if (netCents <= 0) return { ok: false, reason: 'nothing_to_pay' };
  return { ok: true, diamonds, grossCents, feeCents, netCents };
}
