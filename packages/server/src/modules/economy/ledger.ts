import { type Asset, applyPosting, assertBalanced, LedgerRuleError } from '@onair/core';
import type { TransferKind } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import type { LockedAccount } from './ledger.repository.ts';
import * as repo from './ledger.repository.ts';

export type SystemAccount =
  | 'coin_issuance'
  | 'coin_sink'
  | 'diamond_issuance'
  | 'diamond_redeemed'
  | 'payment_clearing'
  | 'platform_revenue'
  /** LIVE Rewards bonuses are paid from it (DIAMOND; modules/rewards). */
  | 'rewards_pool';

export interface TransferSpec {
  /** Globally unique: the same key can never move value twice. */
  key: string;
  kind: TransferKind;
  /** Fingerprint of the request, so a retry with a different body can be told apart. */
  requestHash: string;
  postings: { accountId: number; amount: number }[];
}

export type PostResult = { ok: true } | { ok: false; accountId: number; balance: number; needed: number };

export interface FlushedTransfer {
  id: number;
  createdAt: Date;
}

/**
 * A unit of work over locked accounts: transfers are checked and applied to an in-memory copy of the
 * balances in order, then written with a handful of set-based statements. A transfer that would take
 * a user account below zero is refused on its own; the others in the book still go through.
 */
export class LedgerBook {
  private readonly accounts = new Map<number, LockedAccount>();
  private readonly touched = new Set<number>();
  private readonly transfers: {
    spec: TransferSpec;
    postings: { accountId: number; asset: Asset; amount: number; balanceAfter: number }[];
  }[] = [];

  constructor(rows: LockedAccount[]) {
    for (const r of rows) this.accounts.set(r.id, { ...r });
  }

  account(id: number): LockedAccount {
    const a = this.accounts.get(id);
    if (!a) throw new LedgerRuleError(`account ${id} is not locked in this book`);
    return a;
  }

  post(spec: TransferSpec): PostResult {
    const seen = new Set<number>();
    const legs = spec.postings.map((p) => {
      if (seen.has(p.accountId))
        throw new LedgerRuleError(`account ${p.accountId} appears twice in ${spec.key}`);
      seen.add(p.accountId);
      const account = this.account(p.accountId);
      return { account, amount: p.amount };
    });
    assertBalanced(legs.map((l) => ({ asset: l.account.asset, amount: l.amount })));
    const after: number[] = [];
    for (const leg of legs) {
      const next = applyPosting(leg.account.balance, leg.amount, leg.account.kind);
      if (next === null)
        return { ok: false, accountId: leg.account.id, balance: leg.account.balance, needed: -leg.amount };
      after.push(next);
    }
    const postings = legs.map((leg, i) => {
      leg.account.balance = after[i]!;
      this.touched.add(leg.account.id);
      return {
        accountId: leg.account.id,
        asset: leg.account.asset,
        amount: leg.amount,
        balanceAfter: after[i]!,
      };
    });
    this.transfers.push({ spec, postings });
    return { ok: true };
  }

  /** Writes every posted transfer, its postings and the new balances; returns transfer ids by key. */
  async flush(trx: Db): Promise<Map<string, FlushedTransfer>> {
    const out = new Map<string, FlushedTransfer>();
    if (this.transfers.length === 0 && this.touched.size === 0) return out;
    const postings = this.transfers.flatMap((t, transfer) => t.postings.map((p) => ({ ...p, transfer })));
    const balances = [...this.touched].map((id) => {
      const a = this.account(id);
      return { id, balance: a.balance, carry: a.carry };
    });
    const rows = await repo.flush(
      trx,
      this.transfers.map((t) => ({ key: t.spec.key, kind: t.spec.kind, requestHash: t.spec.requestHash })),
      postings,
      balances,
    );
    if (rows.ids.length !== this.transfers.length)
      throw new LedgerRuleError(`flushed ${rows.ids.length} of ${this.transfers.length} transfers`);
    rows.ids.forEach((id, i) => {
      out.set(this.transfers[i]!.spec.key, { id, createdAt: rows.createdAt });
    });
    return out;
  }
}

/** Ledger access shared by the economy services: account ids (cached: they never change) and locking. */
export function createLedger(db: Db) {
  let system: Promise<Map<string, number>> | undefined;
  const ids = new Map<string, number>();
  const cacheKey = (ownerId: string, asset: Asset) => `${ownerId}:${asset}`;

  // `via`: a job's transaction on the embedded database, whose one connection it holds.
  async function systemIds(via: Db = db): Promise<Map<string, number>> {
    system ??= repo.systemAccounts(via).then((rows) => new Map(rows.map((r) => [r.systemCode, r.id])));
    return system;
  }

  return {
    async systemAccount(code: SystemAccount, via: Db = db): Promise<number> {
      const id = (await systemIds(via)).get(code);
      if (id === undefined)
        throw new LedgerRuleError(`system account ${code} is missing (migrations not run?)`);
      return id;
    },

    /**
     * Ids of users' accounts of one asset; with `create`, missing ones are opened first. Without it,
     * an owner with no account is simply absent from the map (a balance of zero).
     */
    async accountIds(
      ownerIds: string[],
      asset: Asset,
      create: boolean,
      via: Db = db,
    ): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const missing: string[] = [];
      for (const o of new Set(ownerIds)) {
        const id = ids.get(cacheKey(o, asset));
        if (id === undefined) missing.push(o);
        else out.set(o, id);
      }
      if (missing.length > 0) {
        const rows = create
          ? await repo.ensureAccounts(
              db,
              missing.map((ownerId) => ({ ownerId, asset })),
            )
          : await repo.findAccounts(via, missing, [asset]);
        for (const r of rows) {
          ids.set(cacheKey(r.ownerId, r.asset), r.id);
          out.set(r.ownerId, r.id);
        }
      }
      return out;
    },

    async accountId(ownerId: string, asset: Asset, create: boolean): Promise<number | undefined> {
      return (await this.accountIds([ownerId], asset, create)).get(ownerId);
    },

    /** Locks the accounts (sorted by id) inside `trx` and returns a book over them. */
    async lock(trx: Db, accountIds: Iterable<number>): Promise<LedgerBook> {
      const sorted = [...new Set(accountIds)].sort((a, b) => a - b);
      return new LedgerBook(await repo.lockAccounts(trx, sorted));
    },

    findTransfers: (keys: string[]) => repo.findTransfers(db, keys),
  };
}

export type Ledger = ReturnType<typeof createLedger>;
