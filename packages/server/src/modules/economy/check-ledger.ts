import type { LedgerCheck } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import * as repo from './check-ledger.repository.ts';
import type { SystemAccount } from './ledger.ts';

const LIMIT = 50;

/**
 * Proves the ledger's invariants from the rows themselves, and names every difference precisely:
 * - every transfer has ≥ 2 postings and they sum to zero per asset;
 * - every posting names an existing account and transfer, in the account's asset;
 * - every cached balance equals the sum of its postings, and each posting's balance_after is the
 *   running sum up to it;
 * - no user balance is negative;
 * - coins issued = coins held + coins spent; diamonds issued = held + redeemed; cash received =
 *   platform revenue + cash owed to creators;
 * - gift transfers and gift rows pair up one to one;
 * - reward transfers and reward payout rows pair up one to one, each paying its row's bonus from the
 *   rewards pool to its creator, and the pool has paid exactly what the rows add up to.
 */
export async function checkLedger(db: Db, now = new Date()): Promise<LedgerCheck> {
  const problems: LedgerCheck['problems'] = [];
  const add = (check: string, message: string, data?: Record<string, unknown>) =>
    problems.push({ check, message, ...(data ? { data } : {}) });

  const [counts, unbalanced, legless, orphans, mismatched, running, negative, system, users, gifts, rewards] =
    await Promise.all([
      repo.counts(db),
      repo.unbalancedTransfers(db, LIMIT),
      repo.transfersWithoutLegs(db, LIMIT),
      repo.orphanPostings(db, LIMIT),
      repo.balanceMismatches(db, LIMIT),
      repo.runningBalanceMismatches(db, LIMIT),
      repo.negativeUserBalances(db, LIMIT),
      repo.systemBalances(db),
      repo.userTotals(db),
      repo.unpairedGifts(db, LIMIT),
      repo.unpairedRewards(db, LIMIT),
    ]);

  for (const r of unbalanced)
    add('transfer_balanced', `transfer ${r.transferId}: ${r.asset} postings sum to ${r.sum}, not 0`, {
      ...r,
    });
  for (const r of legless)
    add('transfer_has_postings', `transfer ${r.id} (${r.idempotencyKey}) has ${r.legs} posting(s)`, { ...r });
  for (const r of orphans)
    add('posting_valid', `posting of account ${r.accountId} in transfer ${r.transferId}: ${r.problem}`, {
      ...r,
    });
  for (const r of mismatched)
    add(
      'balance_equals_postings',
      `account ${r.id}: cached balance ${r.balance}, postings sum to ${r.postings} (off by ${r.balance - r.postings})`,
      { ...r },
    );
  for (const r of running)
    add(
      'running_balance',
      `account ${r.accountId}, transfer ${r.transferId}: balance_after ${r.balanceAfter}, running sum ${r.running}`,
      { ...r },
    );
  for (const r of negative)
    add('user_balance_not_negative', `account ${r.id} (${r.asset} of ${r.ownerId}) is at ${r.balance}`, {
      ...r,
    });
  for (const r of gifts) add('gift_paired', `transfer ${r.transferId}: ${r.problem}`, { ...r });
  for (const r of rewards) add('reward_paired', `transfer ${r.transferId}: ${r.problem}`, { ...r });

  const sys = new Map(system.map((r) => [r.systemCode, r.balance]));
  const balanceOf = (code: SystemAccount) => {
    const b = sys.get(code);
    if (b === undefined) add('system_accounts', `system account ${code} is missing`);
    return b ?? 0;
  };
  const held = new Map(users.map((r) => [r.asset, r.total]));
  const coins = {
    issued: -balanceOf('coin_issuance'),
    held: held.get('COIN') ?? 0,
    spent: balanceOf('coin_sink'),
  };
  const diamonds = {
    issued: -balanceOf('diamond_issuance'),
    held: held.get('DIAMOND') ?? 0,
    redeemed: balanceOf('diamond_redeemed'),
    // 0 - b, not -b: an untouched pool reads 0, not -0.
    rewarded: 0 - balanceOf('rewards_pool'),
  };
  const payouts = await repo.rewardPayoutTotal(db);
  if (payouts !== diamonds.rewarded)
    add(
      'rewards_pool_matches_payouts',
      `the rewards pool paid ${diamonds.rewarded} diamonds, payout rows add up to ${payouts}`,
      { pool: diamonds.rewarded, payouts },
    );
  const fiatCents = {
    received: -balanceOf('payment_clearing'),
    revenue: balanceOf('platform_revenue'),
    owedToCreators: held.get('FIAT_CENTS') ?? 0,
  };
  if (coins.issued !== coins.held + coins.spent)
    add(
      'coins_conserved',
      `coins issued ${coins.issued} ≠ held ${coins.held} + spent ${coins.spent} (off by ${coins.issued - coins.held - coins.spent})`,
      coins,
    );
  // Bonuses are diamonds created by the rewards pool, as gifts' are by the issuance account.
  const created = diamonds.issued + diamonds.rewarded;
  if (created !== diamonds.held + diamonds.redeemed)
    add(
      'diamonds_conserved',
      `diamonds issued ${diamonds.issued} + rewarded ${diamonds.rewarded} ≠ held ${diamonds.held} + redeemed ${diamonds.redeemed} (off by ${created - diamonds.held - diamonds.redeemed})`,
      diamonds,
    );
  if (fiatCents.received !== fiatCents.revenue + fiatCents.owedToCreators)
    add(
      'cash_conserved',
      `cash received ${fiatCents.received} ≠ revenue ${fiatCents.revenue} + owed to creators ${fiatCents.owedToCreators}`,
      fiatCents,
    );

  return {
    ok: problems.length === 0,
    checkedAt: now.toISOString(),
    counts: { accounts: counts.accounts, transfers: counts.transfers, postings: counts.postings },
    totals: { coins, diamonds, fiatCents },
    problems,
  };
}

/** The report as an operator reads it in a terminal. */
export function formatLedgerCheck(r: LedgerCheck): string {
  const { coins, diamonds, fiatCents } = r.totals;
  const lines = [
    `ledger ${r.ok ? 'OK' : 'BROKEN'}: ${r.counts.transfers} transfers, ${r.counts.postings} postings, ${r.counts.accounts} accounts`,
    `  coins     issued ${coins.issued} = held ${coins.held} + spent ${coins.spent}`,
    `  diamonds  issued ${diamonds.issued} + rewarded ${diamonds.rewarded} = held ${diamonds.held} + redeemed ${diamonds.redeemed}`,
    `  cash      received ${fiatCents.received} = revenue ${fiatCents.revenue} + owed to creators ${fiatCents.owedToCreators} (cents)`,
    ...r.problems.map((p) => `  ✗ [${p.check}] ${p.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
