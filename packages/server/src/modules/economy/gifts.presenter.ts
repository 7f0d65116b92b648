import { isStreakable, STREAK_WINDOW_MS } from '@onair/core';
import type { AdminGift, Gift, GiftEvent, GiftReceipt } from '@onair/protocol';
import type { GiftCatalogRow } from '../../db/schema.ts';

export function presentGift(g: GiftCatalogRow): Gift {
  return {
    id: g.id,
    name: g.name,
    coins: g.coins,
    icon: g.icon,
    animation: g.animation,
    tier: g.tier,
    streakable: isStreakable(g.tier),
  };
}

export function presentAdminGift(g: GiftCatalogRow): AdminGift {
  return { ...presentGift(g), active: g.active, sort: g.sort };
}

export interface ReceiptFacts {
  transferId: number;
  sessionId: string;
  gift: GiftCatalogRow;
  quantity: number;
  coins: number;
  diamonds: number;
  balanceAfter: number;
  streakId: string;
  streakCount: number;
  createdAt: Date;
}

/** A batch's receipts share one commit time: its two timestamps are formatted once, not per gift. */
let lastTimes: { at: number; createdAt: string; endsAt: string } | undefined;
function receiptTimes(createdAt: Date) {
  const at = createdAt.getTime();
  if (lastTimes?.at !== at)
    lastTimes = {
      at,
      createdAt: createdAt.toISOString(),
      endsAt: new Date(at + STREAK_WINDOW_MS).toISOString(),
    };
  return lastTimes;
}

/**
 * What the sender gets back; built from the same stored facts the first time and on every retry, so a
 * retried request sees exactly the original answer. The unit price is the one charged, even if the
 * catalog changed since.
 */
export function presentReceipt(f: ReceiptFacts): GiftReceipt {
  const times = receiptTimes(f.createdAt);
  return {
    id: String(f.transferId),
    sessionId: f.sessionId,
    gift: { ...presentGift(f.gift), coins: f.coins / f.quantity },
    quantity: f.quantity,
    coins: f.coins,
    diamonds: f.diamonds,
    balance: { coins: f.balanceAfter },
    streak: {
      id: f.streakId,
      count: f.streakCount,
      endsAt: times.endsAt,
    },
    createdAt: times.createdAt,
  };
}

export function presentGiftEvent(
  receipt: GiftReceipt,
  from: { id: string; handle: string; displayName: string },
): GiftEvent {
  const { id, name, coins, tier, animation, icon } = receipt.gift;
  return {
    id: receipt.id,
    sessionId: receipt.sessionId,
    gift: { id, name, coins, tier, animation, icon },
    from,
    quantity: receipt.quantity,
    totalCoins: receipt.coins,
    streak: receipt.streak,
    at: receipt.createdAt,
  };
}
