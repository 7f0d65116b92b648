import type { BonusRate } from './missions.ts';

/**
 * A bonus in diamonds and the sentence that explains it. Diamonds are whole: the bonus is rounded
 * down, so the rewards pool never pays a fraction it does not have and a creator is never paid
 * more than the table says. The product goes through BigInt so no diamond count is too large.
 */

export interface DiamondBonus {
  /** Diamonds the bonus is paid on (negative counts as 0). */
  base: number;
  bps: number;
  /** floor(base × bps / 10,000), never negative. */
  diamonds: number;
  /** "38% for 31 min LIVE + 2% for 7 new followers on 1,240 diamonds = 496 diamonds" */
  explanation: string;
}

/** 1240 → "1,240", without the engine's locale data so every node writes the same text. */
export function formatCount(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 3800 → "38%", 250 → "2.5%". */
export const formatBps = (bps: number): string => `${bps / 100}%`;

export function bonusDiamonds(diamonds: number, rate: BonusRate): DiamondBonus {
  if (!Number.isSafeInteger(diamonds))
    throw new RangeError(`diamonds must be a safe integer (got ${diamonds})`);
  const base = Math.max(0, diamonds);
  const bps = Math.max(0, Math.floor(rate.bps));
  const paid = Number((BigInt(base) * BigInt(bps)) / 10_000n);
  const parts = rate.items.map((i) => `${formatBps(i.bps)} for ${i.label}`);
  let what = parts.length > 0 ? parts.join(' + ') : '0%';
  // A capped rate is exactly the cap, so the cap can be named from it.
  if (rate.capped) what += ` (capped at ${formatBps(bps)})`;
  const unit = (n: number) => `${formatCount(n)} ${n === 1 ? 'diamond' : 'diamonds'}`;
  return { base, bps, diamonds: paid, explanation: `${what} on ${unit(base)} = ${unit(paid)}` };
}
