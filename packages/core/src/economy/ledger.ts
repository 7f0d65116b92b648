/**
 * Double-entry rules, as pure functions. Every movement of value is one transfer whose postings sum to
 * zero per asset; balances are integers (coins, diamonds, cents) and never floats.
 */
export const ASSETS = ['COIN', 'DIAMOND', 'FIAT_CENTS'] as const;
export type Asset = (typeof ASSETS)[number];

/** Basis points: 10,000 = 100 %. Shares and fees are whole basis points, so no ratio is a float. */
export const BPS = 10_000;

export interface PostingAmount {
  asset: Asset;
  amount: number;
}

/** A broken ledger rule is a bug in the caller, never a user's mistake: it must never be committed. */
export class LedgerRuleError extends Error {
  override name = 'LedgerRuleError';
}

export const isAmount = (n: number): boolean => Number.isSafeInteger(n);

/** Net amount per asset over a set of postings. */
export function sumByAsset(postings: readonly PostingAmount[]): Record<Asset, number> {
  const sums: Record<Asset, number> = { COIN: 0, DIAMOND: 0, FIAT_CENTS: 0 };
  for (const p of postings) {
    const next = sums[p.asset] + p.amount;
    if (!isAmount(next)) throw new LedgerRuleError(`sum of ${p.asset} postings is beyond safe integers`);
    sums[p.asset] = next;
  }
  return sums;
}

/**
 * Throws unless the postings form a valid transfer: at least two, each a non-zero safe integer, and
 * summing to exactly zero for every asset.
 */
export function assertBalanced(postings: readonly PostingAmount[]): void {
  if (postings.length < 2) throw new LedgerRuleError('a transfer needs at least two postings');
  for (const p of postings) {
    if (!isAmount(p.amount) || p.amount === 0)
      throw new LedgerRuleError(`posting amount ${p.amount} is not a non-zero safe integer`);
  }
  const sums = sumByAsset(postings);
  for (const [asset, sum] of Object.entries(sums)) {
    if (sum !== 0) throw new LedgerRuleError(`${asset} postings sum to ${sum}, not 0`);
  }
}

/**
 * The balance after a posting, or null when a user account would go below zero (system accounts,
 * the issuers and sinks, may go negative: that is how value enters the ledger).
 */
export function applyPosting(balance: number, amount: number, kind: 'user' | 'system'): number | null {
  const next = balance + amount;
  if (!isAmount(next)) throw new LedgerRuleError(`balance ${balance} + ${amount} is beyond safe integers`);
  if (kind === 'user' && next < 0) return null;
  return next;
}

/** a × b / c rounded down, exact for any safe integers (BigInt when the product is too large). */
export function mulDivFloor(a: number, b: number, c: number): number {
  if (c <= 0) throw new LedgerRuleError('divisor must be positive');
  const product = a * b;
  if (Number.isSafeInteger(product)) return Math.floor(product / c);
  const big = (BigInt(a) * BigInt(b)) / BigInt(c);
  const n = Number(big);
  if (!Number.isSafeInteger(n)) throw new LedgerRuleError('result is beyond safe integers');
  // BigInt division truncates toward zero; floor differs only for negative results.
  return n < 0 && BigInt(n) * BigInt(c) !== BigInt(a) * BigInt(b) ? n - 1 : n;
}

/** a × b / c rounded up. */
export function mulDivCeil(a: number, b: number, c: number): number {
  return -mulDivFloor(-a, b, c);
}
