import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { checkLedger } from './check-ledger.ts';
import { buyCoins, goLive, sendGift } from './testing.ts';

const BIN = fileURLToPath(new URL('../../../bin/onair.js', import.meta.url));

/** Real activity: a 7,000-coin purchase, 6,001 coins of gifts (3,000 diamonds), a 1,000-diamond withdrawal. */
async function activity(app: FastifyInstance) {
  await signup(app, 'chk_admin');
  const creator = await signup(app, 'chk_creator');
  const fan = await signup(app, 'chk_fan');
  await goLive(app, creator);
  await buyCoins(app, fan, 'coins_7000');
  for (const giftId of ['rose', 'galaxy', 'drama_queen'])
    expect((await sendGift(app, fan, 'chk_creator', { giftId })).statusCode).toBe(201);
  const w = await app.inject({
    method: 'POST',
    url: '/api/v1/me/withdrawals',
    headers: creator.auth,
    payload: { diamonds: 1000, idempotencyKey: 'chk-withdrawal-1' },
  });
  expect(w.statusCode).toBe(201);
  return { creator, fan };
}

describe.each(testDatabases())('ledger invariant checker on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    await activity(app);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const accountOf = async (handle: string, asset: string) => {
    const { rows } = await sql<{ id: number }>`
      select a.id from ledger_accounts a join users u on u.id = a.owner_id
      where u.handle = ${handle} and a.asset = ${asset}`.execute(database.db);
    return rows[0]!.id;
  };
  const checks = async () => (await checkLedger(database.db)).problems.map((p) => `${p.check}: ${p.message}`);

  it('passes on a healthy ledger and reports its totals', async () => {
    const report = await checkLedger(database.db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals).toEqual({
      coins: { issued: 7000, held: 999, spent: 6001 },
      diamonds: { issued: 3000, held: 2000, redeemed: 1000, rewarded: 0 },
      // 7,000 coins cost $99.99; 1,000 diamonds at 1 cent less the 3 % fee = $9.70 owed to the creator.
      fiatCents: { received: 9999, revenue: 9999 - 970, owedToCreators: 970 },
    });
    // The Rose's half diamond is carried, so its transfer has no diamond legs: 4 + 2 + 4 + 4 + 4.
    expect(report.counts).toMatchObject({ transfers: 5, postings: 18 });
  });

  it('names a cached balance that drifted from its postings, and the coins it created', async () => {
    const fanCoins = await accountOf('chk_fan', 'COIN');
    await sql`update ledger_accounts set balance = balance + 5 where id = ${fanCoins}`.execute(database.db);
    expect(await checks()).toEqual([
      `balance_equals_postings: account ${fanCoins}: cached balance 1004, postings sum to 999 (off by 5)`,
      'coins_conserved: coins issued 7000 ≠ held 1004 + spent 6001 (off by -5)',
    ]);
    await sql`update ledger_accounts set balance = balance - 5 where id = ${fanCoins}`.execute(database.db);
    expect(await checks()).toEqual([]);
  });

  it('names an unbalanced transfer, a broken running balance and orphan or legless rows', async () => {
    const { rows } = await sql<{ transferId: number; accountId: number }>`
      select p.transfer_id, p.account_id from ledger_postings p join ledger_transfers t on t.id = p.transfer_id
      join ledger_accounts a on a.id = p.account_id
      where t.kind = 'gift' and a.system_code = 'coin_sink' order by p.transfer_id limit 1`.execute(
      database.db,
    );
    const { transferId, accountId } = rows[0]!;
    await sql`update ledger_postings set amount = amount + 1 where transfer_id = ${transferId} and account_id = ${accountId}`.execute(
      database.db,
    );
    await sql`insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after) values (999999, ${transferId}, 'COIN', -1, 0)`.execute(
      database.db,
    );
    await sql`insert into ledger_transfers (idempotency_key, kind, request_hash) values ('hand-made', 'gift', '')`.execute(
      database.db,
    );
    const problems = await checks();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^transfer_has_postings: transfer \d+ \(hand-made\) has 0 posting\(s\)$/),
        `posting_valid: posting of account 999999 in transfer ${transferId}: unknown account`,
        `balance_equals_postings: account ${accountId}: cached balance 6001, postings sum to 6002 (off by -1)`,
        expect.stringMatching(
          new RegExp(
            `^running_balance: account ${accountId}, transfer ${transferId}: balance_after 1, running sum 2$`,
          ),
        ),
        expect.stringMatching(/^gift_paired: transfer \d+: gift transfer without a gift row$/),
      ]),
    );
    // The extra posting makes the COIN sum of that transfer zero again; only the orphan account tells.
    expect(problems.filter((p) => p.startsWith('transfer_balanced'))).toEqual([]);
    await sql`delete from ledger_postings where account_id = 999999`.execute(database.db);
    expect(await checks()).toContain(
      `transfer_balanced: transfer ${transferId}: COIN postings sum to 1, not 0`,
    );
    await sql`update ledger_postings set amount = amount - 1 where transfer_id = ${transferId} and account_id = ${accountId}`.execute(
      database.db,
    );
    await sql`delete from ledger_transfers where idempotency_key = 'hand-made'`.execute(database.db);
    expect(await checks()).toEqual([]);
  });

  it('names a LIVE Rewards payout row the rewards pool never paid', async () => {
    const creatorId = (await app.inject('/api/v1/users/chk_creator')).json().id;
    await sql`insert into reward_payouts (creator_id, kind, period_key, period_start, period_end, base_diamonds,
        bps, bonus_diamonds, items, explanation, transfer_id)
      values (${creatorId}, 'weekly', 'hand-made', now(), now(), 100, 500, 5, '[]', 'hand-made', 999999)`.execute(
      database.db,
    );
    expect(await checks()).toEqual([
      'reward_paired: transfer 999999: payout row without a reward transfer',
      'rewards_pool_matches_payouts: the rewards pool paid 0 diamonds, payout rows add up to 5',
    ]);
    await sql`delete from reward_payouts where period_key = 'hand-made'`.execute(database.db);
    expect(await checks()).toEqual([]);
  });

  it('names a negative user balance (which the database itself refuses)', async () => {
    const fanCoins = await accountOf('chk_fan', 'COIN');
    await expect(
      sql`update ledger_accounts set balance = -1 where id = ${fanCoins}`.execute(database.db),
    ).rejects.toThrow(/ledger_accounts_user_not_negative/);
    await sql`alter table ledger_accounts drop constraint ledger_accounts_user_not_negative`.execute(
      database.db,
    );
    await sql`update ledger_accounts set balance = -1 where id = ${fanCoins}`.execute(database.db);
    expect(await checks()).toContain(
      `user_balance_not_negative: account ${fanCoins} (COIN of ${(await app.inject('/api/v1/users/chk_fan')).json().id}) is at -1`,
    );
  });
});

describe('onair check-ledger', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onair-ledger-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env))
        if (v !== undefined && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
      const child = spawn(process.execPath, [BIN, 'check-ledger', ...args], {
        env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      });
      let stdout = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.on('close', (code) => resolve({ code, stdout }));
    });

  it('exits 0 on a healthy ledger and 1 with the precise problem on a broken one', async () => {
    const handle = createDatabase({ dataDir: path.join(dataDir, 'pglite') });
    await migrateToLatest(handle.db);
    const app = await testApp({ ...handle, drop: () => handle.close() });
    await activity(app);
    await app.close();
    await handle.close();

    const ok = await run([]);
    expect(ok.stdout).toMatch(/^ledger OK: 5 transfers, 18 postings/);
    expect(ok.stdout).toContain('coins     issued 7000 = held 999 + spent 6001');
    expect(ok.code).toBe(0);

    const broken = createDatabase({ dataDir: path.join(dataDir, 'pglite') });
    await sql`update ledger_accounts set balance = balance + 1 where system_code = 'coin_sink'`.execute(
      broken.db,
    );
    await broken.close();
    const bad = await run(['--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { check: string }) => p.check)).toEqual([
      'balance_equals_postings',
      'coins_conserved',
    ]);
  });
});
