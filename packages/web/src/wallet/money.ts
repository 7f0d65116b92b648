import type { AssetName, Earnings } from '@onair/protocol';

/** "$9.99": cents of an ISO currency, as the buyer's browser writes money. */
export function formatCents(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    // An unknown code from a misconfigured server still reads as an amount.
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** One diamond's value: a fraction of a cent, so more decimals than money usually shows. */
export function formatDiamondValue(millicents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 5 }).format(
      millicents / 100_000,
    );
  } catch {
    return `${millicents / 100_000} ${currency}`;
  }
}

/** 17500 → "17,500": coin and diamond counts are exact, never compacted, where money is concerned. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export const ASSET_LABELS: Record<AssetName, string> = {
  COIN: 'Coins',
  DIAMOND: 'Diamonds',
  FIAT_CENTS: 'Cash',
};

export function formatAsset(amount: number, asset: AssetName, currency: string): string {
  if (asset === 'FIAT_CENTS') return formatCents(amount, currency);
  return formatCount(amount);
}

export type WithdrawalPreview =
  | { ok: true; grossCents: number; feeCents: number; netCents: number }
  | { ok: false; reason: 'not_an_amount' | 'below_minimum' | 'over_balance' | 'nothing_to_pay' };

/**
 * What a withdrawal would pay, for the form to show before it is sent. Mirrors the server's quote
 * (value rounded down, fee rounded up); the server's own quote is what the withdrawal records.
 */
export function previewWithdrawal(diamonds: number, earnings: Earnings): WithdrawalPreview {
  const { rates } = earnings;
  if (!Number.isSafeInteger(diamonds) || diamonds <= 0) return { ok: false, reason: 'not_an_amount' };
  if (diamonds < rates.withdrawalMinDiamonds) return { ok: false, reason: 'below_minimum' };
  if (diamonds > earnings.diamonds) return { ok: false, reason: 'over_balance' };
  const grossCents = Math.floor((diamonds * rates.diamondValueMillicents) / 1000);
  const feeCents = Math.ceil((grossCents * rates.withdrawalFeeBps) / 10_000);
  const netCents = grossCents - feeCents;
  if (netCents <= 0) return { ok: false, reason: 'nothing_to_pay' };
  return { ok: true, grossCents, feeCents, netCents };
}

/** 300 → "3%", 250 → "2.5%". */
export function bpsLabel(bps: number): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}
