import { type Actor, diamondsToCents } from '@onair/core';
import type { AssetName, Earnings, Statement, StatementEntry, StatementQuery, Wallet } from '@onair/protocol';
import type { z } from 'zod';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { badRequest } from '../../errors.ts';
import * as repo from './ledger.repository.ts';
import type { Ledger } from './ledger.ts';
import { presentWithdrawal, type WithdrawalsService } from './withdrawals.service.ts';

export interface WalletDeps {
  db: Db;
  ledger: Ledger;
  withdrawals: WithdrawalsService;
  currency: string;
  rates: {
    platformShareBps: number;
    diamondValueMillicents: number;
    withdrawalFeeBps: number;
    withdrawalMinDiamonds: number;
  };
}

const MEMO: Record<string, (e: repo.StatementRow) => string> = {
  purchase: (e) => `Bought ${e.amount.toLocaleString('en-US')} coins`,
  purchase_reversal: () => 'Coin purchase refunded',
  gift: (e) => {
    const what = `${e.giftName ?? e.giftId ?? 'Gift'}${e.quantity && e.quantity > 1 ? ` ×${e.quantity}` : ''}`;
    const who = e.counterpartyHandle ? `@${e.counterpartyHandle}` : 'someone';
    return e.amount < 0 ? `${what} to ${who}` : `${what} from ${who}`;
  },
  withdrawal: () => 'Withdrawal requested',
  withdrawal_reversal: () => 'Withdrawal returned',
  payout: () => 'Paid out',
  reward: () => 'LIVE Rewards bonus',
};

function presentEntry(e: repo.StatementRow): StatementEntry {
  return {
    transferId: String(e.transferId),
    kind: e.kind as StatementEntry['kind'],
    asset: e.asset,
    amount: e.amount,
    balanceAfter: e.balanceAfter,
    memo: MEMO[e.kind]?.(e) ?? e.kind,
    gift: e.giftId ? { id: e.giftId, name: e.giftName ?? e.giftId, quantity: e.quantity ?? 1 } : null,
    counterparty: e.counterpartyHandle
      ? { handle: e.counterpartyHandle, displayName: e.counterpartyDisplayName ?? e.counterpartyHandle }
      : null,
    createdAt: e.createdAt.toISOString(),
  };
}

/** A user's own money: balances, full history per asset, and creator earnings. */
export function createWalletService(deps: WalletDeps) {
  const { db, ledger } = deps;

  async function balances(userId: string): Promise<Record<AssetName, number>> {
    const out: Record<AssetName, number> = { COIN: 0, DIAMOND: 0, FIAT_CENTS: 0 };
    for (const r of await repo.balancesOf(db, userId)) out[r.asset] = r.balance;
    return out;
  }

  return {
    balances,

    async wallet(actor: Actor | null): Promise<Wallet> {
      requireAccess(actor, 'wallet.read', { ownerId: actor?.id ?? '' });
      const b = await balances(actor.id);
      return { coins: b.COIN, diamonds: b.DIAMOND, currency: deps.currency };
    },

    async statement(actor: Actor | null, query: z.output<typeof StatementQuery>): Promise<Statement> {
      requireAccess(actor, 'wallet.read', { ownerId: actor?.id ?? '' });
      if (query.cursor !== undefined && !/^[1-9]\d{0,15}$/.test(query.cursor))
        throw badRequest('request.invalid', 'Malformed cursor.');
      const accountId = await ledger.accountId(actor.id, query.asset, false);
      if (accountId === undefined) return { asset: query.asset, balance: 0, entries: [], nextCursor: null };
      const rows = await repo.statement(db, {
        ownerId: actor.id,
        accountId,
        before: query.cursor === undefined ? undefined : Number(query.cursor),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const balance = (await balances(actor.id))[query.asset];
      return {
        asset: query.asset,
        balance,
        entries: page.map(presentEntry),
        nextCursor: rows.length > query.limit && page.length > 0 ? String(page.at(-1)!.transferId) : null,
      };
    },

    async earnings(actor: Actor | null): Promise<Earnings> {
      requireAccess(actor, 'earnings.read', { ownerId: actor?.id ?? '' });
      const [b, totals, recent] = await Promise.all([
        balances(actor.id),
        deps.withdrawals.totals(actor.id),
        deps.withdrawals.recent(actor.id, 10),
      ]);
      const pending = totals.filter((t) => t.status === 'pending' || t.status === 'approved');
      return {
        diamonds: b.DIAMOND,
        valueCents: diamondsToCents(b.DIAMOND, deps.rates.diamondValueMillicents),
        currency: deps.currency,
        rates: deps.rates,
        pending: {
          count: pending.reduce((n, t) => n + t.count, 0),
          diamonds: pending.reduce((n, t) => n + t.diamonds, 0),
          netCents: pending.reduce((n, t) => n + t.netCents, 0),
        },
        paidCents: totals.find((t) => t.status === 'paid')?.netCents ?? 0,
        recentWithdrawals: recent.map(presentWithdrawal),
      };
    },
  };
}

export type WalletService = ReturnType<typeof createWalletService>;
