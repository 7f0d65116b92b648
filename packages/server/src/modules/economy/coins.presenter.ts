import type { AdminCoinPackage, CoinPackage, Purchase } from '@onair/protocol';
import type { CoinPackageRow, PurchaseRow } from '../../db/schema.ts';

export function presentPackage(p: CoinPackageRow): CoinPackage {
  return { id: p.id, coins: p.coins, priceCents: p.priceCents, currency: p.currency };
}

export function presentAdminPackage(p: CoinPackageRow): AdminCoinPackage {
  return { ...presentPackage(p), active: p.active, sort: p.sort };
}

export function presentPurchase(p: PurchaseRow): Purchase {
  return {
    id: p.id,
    packageId: p.packageId,
    coins: p.coins,
    priceCents: p.priceCents,
    currency: p.currency,
    provider: p.provider,
    status: p.status,
    failureReason: p.failureReason,
    checkoutUrl: p.status === 'pending' ? p.checkoutUrl : null,
    coinsReversed: p.coinsReversed,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
