/**
 * Battle scoring: a pure function of the committed gifts. The live score and the final score are
 * both this function (the live one over the gifts seen so far, the final one over the ledger), so a
 * battle's result never depends on the order gifts were heard about.
 */

export type BoosterKind = 'multiplier' | 'extension' | 'mist';
export const BOOSTER_KINDS = ['multiplier', 'extension', 'mist'] as const;

export interface BoosterRules {
  /** Length of a multiplier window and of a mist. */
  multiplierMs: number;
  mistMs: number;
  extensionMs: number;
  maxExtensions: number;
  /** The final stretch of the battle where every gift counts double; 0 turns it off. */
  speedRoundMs: number;
  speedFactor: number;
}

export const DEFAULT_BOOSTER_RULES: BoosterRules = {
  multiplierMs: 30_000,
  mistMs: 30_000,
  extensionMs: 10_000,
  maxExtensions: 3,
  speedRoundMs: 30_000,
  speedFactor: 2,
};

export interface ScoredGift {
  /** The ledger transfer id: ties at the same instant are ordered by it. */
  id: number;
  side: number;
  senderId: string;
  coins: number;
  /** Commit time (the ledger transfer's created_at), ms. */
  at: number;
  /** The booster this gift triggers, if it is one. */
  effect: BoosterKind | null;
}

export interface Boost {
  kind: BoosterKind | 'speed';
  /** The side whose supporters triggered it (speed rounds: -1, both). */
  side: number;
  factor: number;
  from: number;
  until: number;
}

export interface ScoreWindow {
  /** Seed for the multiplier draw: the battle id, so a recount draws the same factors. */
  seed: string;
  sides: number;
  startedAt: number;
  /** End before any extension. */
  baseEndsAt: number;
  /** A forfeit stops the count here (exclusive). */
  stopAt: number | null;
}

export interface Tally {
  scores: number[];
  endsAt: number;
  extensions: number;
  boosts: Boost[];
  /** Points per sender, per side. */
  supporters: Map<string, number>[];
  counted: number;
}

/** FNV-1a: a small, stable hash for the multiplier draw. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The "x2/x3/x5 chance": 60 % x2, 30 % x3, 10 % x5, drawn from the battle and the gift. */
export function multiplierFactor(seed: string, giftId: number): number {
  const roll = hash(`${seed}:${giftId}`) % 100;
  return roll < 60 ? 2 : roll < 90 ? 3 : 5;
}

export const byCommitOrder = (a: ScoredGift, b: ScoredGift) => a.at - b.at || a.id - b.id;

/**
 * Where a gift lands, given the boosts and end known from every gift before it: the multiplier
 * applied, or null when it falls outside the window.
 */
export function multiplierAt(
  window: ScoreWindow,
  rules: BoosterRules,
  state: { endsAt: number; boosts: readonly Boost[] },
  gift: Pick<ScoredGift, 'at' | 'side'>,
): number | null {
  if (gift.at < window.startedAt || gift.at >= state.endsAt) return null;
  if (window.stopAt !== null && gift.at >= window.stopAt) return null;
  let factor = 1;
  for (const b of state.boosts)
    if (b.kind === 'multiplier' && b.side === gift.side && gift.at >= b.from && gift.at < b.until)
      factor = Math.max(factor, b.factor);
  const speed =
    rules.speedRoundMs > 0 && gift.at >= state.endsAt - rules.speedRoundMs ? rules.speedFactor : 1;
  return factor * speed;
}

/**
 * Applies one gift (in commit order) to a running tally: scores it with what came before, then lets
 * its booster take effect for the gifts after it.
 */
export function applyGift(window: ScoreWindow, rules: BoosterRules, tally: Tally, gift: ScoredGift): number {
  const mult = multiplierAt(window, rules, tally, gift);
  if (mult === null || gift.side < 0 || gift.side >= window.sides) return 0;
  const points = gift.coins * mult;
  tally.scores[gift.side]! += points;
  const supporters = tally.supporters[gift.side]!;
  supporters.set(gift.senderId, (supporters.get(gift.senderId) ?? 0) + points);
  tally.counted += 1;
  switch (gift.effect) {
    case 'multiplier':
      tally.boosts.push({
        kind: 'multiplier',
        side: gift.side,
        factor: multiplierFactor(window.seed, gift.id),
        from: gift.at,
        until: gift.at + rules.multiplierMs,
      });
      break;
    case 'extension':
      if (tally.extensions < rules.maxExtensions) {
        tally.extensions += 1;
        tally.endsAt += rules.extensionMs;
        tally.boosts.push({
          kind: 'extension',
          side: gift.side,
          factor: 1,
          from: gift.at,
          until: tally.endsAt,
        });
      }
      break;
    case 'mist':
      tally.boosts.push({
        kind: 'mist',
        side: gift.side,
        factor: 1,
        from: gift.at,
        until: gift.at + rules.mistMs,
      });
      break;
    case null:
      break;
  }
  return points;
}

export function emptyTally(window: ScoreWindow): Tally {
  return {
    scores: Array.from({ length: window.sides }, () => 0),
    endsAt: window.baseEndsAt,
    extensions: 0,
    boosts: [],
    supporters: Array.from({ length: window.sides }, () => new Map<string, number>()),
    counted: 0,
  };
}

/** The whole count: every gift in commit order. */
export function tally(window: ScoreWindow, rules: BoosterRules, gifts: readonly ScoredGift[]): Tally {
  const t = emptyTally(window);
  for (const g of [...gifts].sort(byCommitOrder)) applyGift(window, rules, t, g);
  return t;
}

/**
 * Whether newly committed gifts can simply be added to a running tally, or the battle must be counted
 * again from all its gifts. Adding is exact only when every new gift comes after everything counted
 * so far and changes nothing for the gifts around it, so a recount is needed when one of them:
 * - is a booster (its effect may reach other gifts of the same batch, in commit order);
 * - committed before the latest counted gift (heard late: a booster counted after it applied to it);
 * - committed in the same millisecond as a counted booster (which of the two came first decides
 *   whether the booster applies).
 */
export function needsRecount(
  fresh: readonly Pick<ScoredGift, 'at' | 'effect'>[],
  counted: { lastGiftAt: number; boosts: readonly Pick<Boost, 'from'>[] },
): boolean {
  return fresh.some(
    (g) =>
      g.effect !== null ||
      g.at < counted.lastGiftAt ||
      (g.at === counted.lastGiftAt && counted.boosts.some((b) => b.from === g.at)),
  );
}

/** The speed round as a boost, for display (it follows the current end). */
export function speedRound(rules: BoosterRules, endsAt: number): Boost | null {
  if (rules.speedRoundMs <= 0) return null;
  return {
    kind: 'speed',
    side: -1,
    factor: rules.speedFactor,
    from: endsAt - rules.speedRoundMs,
    until: endsAt,
  };
}

/** Top supporters of each side, highest first (ties: by id, so every node lists the same). */
export function topSupporters(t: Tally, n = 3): { userId: string; points: number }[][] {
  return t.supporters.map((m) =>
    [...m]
      .map(([userId, points]) => ({ userId, points }))
      .sort((a, b) => b.points - a.points || (a.userId < b.userId ? -1 : 1))
      .slice(0, n),
  );
}

/** Whether a side's score is hidden from the other side's audience at `at`. */
export function mistedSides(boosts: readonly Boost[], at: number): Set<number> {
  const out = new Set<number>();
  for (const b of boosts) if (b.kind === 'mist' && at >= b.from && at < b.until) out.add(b.side);
  return out;
}
