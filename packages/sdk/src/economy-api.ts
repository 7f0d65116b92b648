import {
  AdminCoinPackage,
  AdminCoinPackageList,
  AdminGift,
  AdminGiftCatalog,
  type AssetName,
  CoinPackageList,
  type ConfirmPurchaseBody,
  type CreateCoinPackageBody,
  type CreateGiftBody,
  Earnings,
  GiftCatalog,
  GiftReceipt,
  LedgerCheck,
  Purchase,
  Statement,
  TopGifters,
  type UpdateCoinPackageBody,
  type UpdateGiftBody,
  Wallet,
  Withdrawal,
  WithdrawalList,
} from '@onair/protocol';
import { HttpClient, newIdempotencyKey, queryString } from './http-client.ts';

/** Wallet, coins, gifts, earnings and withdrawals, and the admin side of the economy. */
export class EconomyApi extends HttpClient {
  // Economy: wallet, coins, gifts, earnings. Money requests take an idempotency key (one is made up
  // when omitted): retrying with the same key is safe and never charges twice.

  wallet() {
    return this.request('GET', '/wallet', Wallet);
  }

  statement(query: { asset?: AssetName; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/wallet/statement${queryString(query)}`, Statement);
  }

  coinPackages() {
    return this.request('GET', '/coin-packages', CoinPackageList);
  }

  /** Starts a purchase; with the sandbox, follow with confirmPurchase(); with Stripe, open checkoutUrl. */
  buyCoins(packageId: string, idempotencyKey: string = newIdempotencyKey()) {
    return this.request('POST', '/wallet/purchases', Purchase, { packageId, idempotencyKey });
  }

  purchase(id: string) {
    return this.request('GET', `/wallet/purchases/${encodeURIComponent(id)}`, Purchase);
  }

  confirmPurchase(id: string, body: ConfirmPurchaseBody = {}) {
    return this.request('POST', `/wallet/purchases/${encodeURIComponent(id)}/confirm`, Purchase, body);
  }

  async giftCatalog() {
    return (await this.request('GET', '/gifts', GiftCatalog)).gifts;
  }

  sendGift(
    creatorHandle: string,
    body: { giftId: string; quantity?: number; comboId?: string; idempotencyKey?: string },
  ) {
    return this.request('POST', `/rooms/${encodeURIComponent(creatorHandle)}/gifts`, GiftReceipt, {
      ...body,
      idempotencyKey: body.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  topGifters(creatorHandle: string) {
    return this.request('GET', `/rooms/${encodeURIComponent(creatorHandle)}/top-gifters`, TopGifters);
  }

  earnings() {
    return this.request('GET', '/me/earnings', Earnings);
  }

  withdrawals(query: { status?: string; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/me/withdrawals${queryString(query)}`, WithdrawalList);
  }

  requestWithdrawal(diamonds: number, idempotencyKey: string = newIdempotencyKey()) {
    return this.request('POST', '/me/withdrawals', Withdrawal, { diamonds, idempotencyKey });
  }

  adminWithdrawals(query: { status?: string; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/admin/withdrawals${queryString(query)}`, WithdrawalList);
  }

  approveWithdrawal(id: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/approve`, Withdrawal);
  }

  rejectWithdrawal(id: string, reason?: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/reject`, Withdrawal, {
      ...(reason ? { reason } : {}),
    });
  }

  payoutWithdrawal(id: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/payout`, Withdrawal);
  }

  async adminGifts() {
    return (await this.request('GET', '/admin/gifts', AdminGiftCatalog)).gifts;
  }

  createGift(body: CreateGiftBody) {
    return this.request('POST', '/admin/gifts', AdminGift, body);
  }

  updateGift(id: string, body: UpdateGiftBody) {
    return this.request('PATCH', `/admin/gifts/${encodeURIComponent(id)}`, AdminGift, body);
  }

  async adminCoinPackages() {
    return (await this.request('GET', '/admin/coin-packages', AdminCoinPackageList)).packages;
  }

  createCoinPackage(body: CreateCoinPackageBody) {
    return this.request('POST', '/admin/coin-packages', AdminCoinPackage, body);
  }

  updateCoinPackage(id: string, body: UpdateCoinPackageBody) {
    return this.request('PATCH', `/admin/coin-packages/${encodeURIComponent(id)}`, AdminCoinPackage, body);
  }

  refundPurchase(id: string) {
    return this.request('POST', `/admin/purchases/${encodeURIComponent(id)}/refund`, Purchase);
  }

  checkLedger() {
    return this.request('GET', '/admin/ledger/check', LedgerCheck);
  }
}
