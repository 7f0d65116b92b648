import { type Actor, quoteWithdrawal, type WithdrawalRules } from '@onair/core';
import type { Withdrawal, WithdrawalBody, WithdrawalList, WithdrawalsQuery } from '@onair/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { WithdrawalRow, WithdrawalStatus } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { idempotencyConflict, requestHash } from './idempotency.ts';
import type { Ledger } from './ledger.ts';
import type { PaymentProvider } from './payments/provider.ts';
import * as repo from './withdrawals.repository.ts';

export interface WithdrawalsDeps {
  db: Db;
  ledger: Ledger;
  provider: PaymentProvider;
  rules: WithdrawalRules;
  currency: string;
  log: Logger;
  /** Told when a payout's cash has left, after its commit (push notifications listen). */
  events?: Pick<DomainEvents, 'emit'>;
  now?: () => Date;
}

export function presentWithdrawal(w: repo.WithdrawalWithUser): Withdrawal {
  return {
    id: w.id,
    user: { id: w.userId, handle: w.handle },
    diamonds: w.diamonds,
    grossCents: w.grossCents,
    feeCents: w.feeCents,
    netCents: w.netCents,
    currency: w.currency,
    status: w.status,
    failureReason: w.failureReason,
    createdAt: w.createdAt.toISOString(),
    decidedAt: w.decidedAt?.toISOString() ?? null,
    paidAt: w.paidAt?.toISOString() ?? null,
  };
}

const notFoundError = () => notFound('wallet.withdrawal_not_found', 'No such withdrawal.');
const wrongState = (w: WithdrawalRow, action: string) =>
  conflict('wallet.withdrawal_state', `A withdrawal that is ${w.status} cannot be ${action}.`, {
    status: w.status,
  });

/**
 * Creators cash out diamonds: a request moves the diamonds out of reach at once (redeemed) and books
 * the cash owed; an admin approves and pays out through the provider. A rejected or failed payout
 * returns the diamonds.
 */
export function createWithdrawalsService(deps: WithdrawalsDeps) {
  const { db, ledger, log, now = () => new Date() } = deps;

  async function accountsFor(userId: string) {
    const [diamonds, cash, redeemed, revenue, clearing] = await Promise.all([
      ledger.accountId(userId, 'DIAMOND', true),
      ledger.accountId(userId, 'FIAT_CENTS', true),
      ledger.systemAccount('diamond_redeemed'),
      ledger.systemAccount('platform_revenue'),
      ledger.systemAccount('payment_clearing'),
    ]);
    return { diamonds: diamonds!, cash: cash!, redeemed, revenue, clearing };
  }

  type Accounts = Awaited<ReturnType<typeof accountsFor>>;

  /** Gives the diamonds back and cancels the cash owed (rejected, or the payout failed). */
  async function giveBack(trx: Db, w: WithdrawalRow, a: Accounts) {
    const book = await ledger.lock(trx, [a.diamonds, a.cash, a.redeemed, a.revenue]);
    book.post({
      key: `withdrawal_reversal:${w.id}`,
      kind: 'withdrawal_reversal',
      requestHash: w.id,
      postings: [
        { accountId: a.redeemed, amount: -w.diamonds },
        { accountId: a.diamonds, amount: w.diamonds },
        { accountId: a.cash, amount: -w.netCents },
        { accountId: a.revenue, amount: w.netCents },
      ],
    });
    await book.flush(trx);
  }

  async function decide(
    id: string,
    allowed: WithdrawalStatus[],
    action: string,
    apply: (trx: Db, w: WithdrawalRow, a: Accounts) => Promise<void>,
  ): Promise<Withdrawal> {
    const found = await repo.find(db, id);
    if (!found) throw notFoundError();
    // Account ids are resolved before the transaction: on PGlite a query outside it would wait for it.
    const a = await accountsFor(found.userId);
    await db.transaction().execute(async (trx) => {
      const w = await repo.lock(trx, id);
      if (!w) throw notFoundError();
      if (!allowed.includes(w.status)) throw wrongState(w, action);
      await apply(trx, w, a);
    });
    return presentWithdrawal((await repo.find(db, id))!);
  }

  return {
    async request(
      actor: Actor | null,
      body: WithdrawalBody,
    ): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
      requireAccess(actor, 'withdrawal.request', { ownerId: actor?.id ?? '' });
      const hash = requestHash([body.diamonds]);
      const replay = (w: repo.WithdrawalWithUser) => {
        if (w.requestHash !== hash) throw idempotencyConflict();
        return { withdrawal: presentWithdrawal(w), replayed: true };
      };
      const prior = await repo.findByKey(db, actor.id, body.idempotencyKey);
      if (prior) return replay(prior);
      const quote = quoteWithdrawal(body.diamonds, deps.rules);
      if (!quote.ok)
        throw badRequest(
          'wallet.withdrawal_below_minimum',
          `Withdraw at least ${deps.rules.minDiamonds.toLocaleString('en-US')} diamonds.`,
          { minDiamonds: deps.rules.minDiamonds },
        );
      const a = await accountsFor(actor.id);
      const id = await db.transaction().execute(async (trx) => {
        const w = await repo.insertWithdrawal(trx, {
          userId: actor.id,
          diamonds: quote.diamonds,
          grossCents: quote.grossCents,
          feeCents: quote.feeCents,
          netCents: quote.netCents,
          currency: deps.currency,
          provider: deps.provider.name,
          idempotencyKey: body.idempotencyKey,
          requestHash: hash,
        });
        if (!w) return undefined;
        const book = await ledger.lock(trx, [a.diamonds, a.cash, a.redeemed, a.revenue]);
        const posted = book.post({
          key: `withdrawal:${w.id}`,
          kind: 'withdrawal',
          requestHash: hash,
          postings: [
            { accountId: a.diamonds, amount: -quote.diamonds },
            { accountId: a.redeemed, amount: quote.diamonds },
            { accountId: a.revenue, amount: -quote.netCents },
            { accountId: a.cash, amount: quote.netCents },
          ],
        });
        if (!posted.ok)
          throw new AppError(
            'wallet.insufficient_diamonds',
            402,
            `You have ${posted.balance.toLocaleString('en-US')} diamonds; you asked to withdraw ${quote.diamonds.toLocaleString('en-US')}.`,
            { balance: posted.balance, requested: quote.diamonds },
          );
        await book.flush(trx);
        return w.id;
      });
      if (!id) return replay((await repo.findByKey(db, actor.id, body.idempotencyKey))!);
      log.info({ withdrawalId: id, userId: actor.id, diamonds: quote.diamonds }, 'withdrawal requested');
      return { withdrawal: presentWithdrawal((await repo.find(db, id))!), replayed: false };
    },

    async list(
      actor: Actor | null,
      query: z.output<typeof WithdrawalsQuery>,
      scope: 'mine' | 'all',
    ): Promise<WithdrawalList> {
      if (scope === 'all') requireAccess(actor, 'withdrawal.manage', null);
      else requireAccess(actor, 'earnings.read', { ownerId: actor?.id ?? '' });
      const rows = await repo.list(db, {
        userId: scope === 'mine' ? actor.id : undefined,
        status: query.status,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(presentWithdrawal),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    approve(actor: Actor | null, id: string): Promise<Withdrawal> {
      requireAccess(actor, 'withdrawal.manage', null);
      return decide(id, ['pending'], 'approved', async (trx, w) => {
        await repo.update(trx, w.id, { status: 'approved', decidedBy: actor.id, decidedAt: now() });
        log.info({ by: actor.id, withdrawalId: w.id }, 'withdrawal approved');
      });
    },

    reject(actor: Actor | null, id: string, reason: string | undefined): Promise<Withdrawal> {
      requireAccess(actor, 'withdrawal.manage', null);
      return decide(id, ['pending', 'approved'], 'rejected', async (trx, w, a) => {
        await giveBack(trx, w, a);
        await repo.update(trx, w.id, {
          status: 'rejected',
          failureReason: reason ?? 'rejected',
          decidedBy: actor.id,
          decidedAt: now(),
        });
        log.info({ by: actor.id, withdrawalId: w.id, reason }, 'withdrawal rejected; diamonds returned');
      });
    },

    /**
     * Pays an approved withdrawal through the provider (idempotent there on the withdrawal id), then
     * settles it: paid → the cash leaves; failed → the diamonds come back.
     */
    async payout(actor: Actor | null, id: string): Promise<Withdrawal> {
      requireAccess(actor, 'withdrawal.manage', null);
      const w = await repo.find(db, id);
      if (!w) throw notFoundError();
      if (w.status !== 'approved') throw wrongState(w, 'paid out');
      const outcome = await deps.provider.payout({
        withdrawalId: w.id,
        userId: w.userId,
        amountCents: w.netCents,
        currency: w.currency,
      });
      const decided = await decide(id, ['approved'], 'paid out', async (trx, locked, a) => {
        if (outcome.status === 'paid') {
          const book = await ledger.lock(trx, [a.cash, a.clearing]);
          book.post({
            key: `payout:${locked.id}`,
            kind: 'payout',
            requestHash: outcome.ref,
            postings: [
              { accountId: a.cash, amount: -locked.netCents },
              { accountId: a.clearing, amount: locked.netCents },
            ],
          });
          await book.flush(trx);
          await repo.update(trx, locked.id, { status: 'paid', providerRef: outcome.ref, paidAt: now() });
          log.info({ by: actor.id, withdrawalId: locked.id, cents: locked.netCents }, 'withdrawal paid out');
        } else {
          await giveBack(trx, locked, a);
          await repo.update(trx, locked.id, { status: 'failed', failureReason: outcome.reason });
          log.warn({ withdrawalId: locked.id, reason: outcome.reason }, 'payout failed; diamonds returned');
        }
      });
      if (decided.status === 'paid')
        void deps.events?.emit('economy.withdrawal_paid', {
          withdrawalId: decided.id,
          userId: decided.user.id,
          netCents: decided.netCents,
          currency: decided.currency,
        });
      return decided;
    },

    totals: (userId: string) => repo.totals(db, userId),
    recent: (userId: string, limit: number) => repo.list(db, { userId, limit }),
  };
}

export type WithdrawalsService = ReturnType<typeof createWithdrawalsService>;
