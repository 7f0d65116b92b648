import { applyPosting, creatorShare } from '@onair/core';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { countGiftTransfers, sendGifts } from './gifts.repository.ts';
import { buyCoins, expectLedgerOk, goLive, newKey, type TestUser } from './testing.ts';

const FANS = 3;
const CREATORS = 2;

/**
 * `onair_send_gifts` re-states two rules of `@onair/core` in PL/pgSQL, for the sake of a short
 * critical section. This holds it to them: random batches (refusals, several gifts of one wallet,
 * 1-coin gifts whose half diamonds carry, any platform share) give, gift by gift and account by
 * account, what `applyPosting` and `creatorShare` give when applied in batch order.
 */
describe.each(testDatabases())('the gift batch function on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let fans: TestUser[];
  let creators: TestUser[];
  let sessions: string[];

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    await signup(app, 'batch_admin');
    fans = [];
    for (let i = 0; i < FANS; i++) fans.push(await signup(app, `batch_fan${i}`));
    creators = [];
    sessions = [];
    for (let i = 0; i < CREATORS; i++) {
      creators.push(await signup(app, `batch_creator${i}`));
      sessions.push(await goLive(app, creators[i]!));
    }
    for (const fan of fans) await buyCoins(app, fan, 'coins_70');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('applies every gift exactly as the core rules do, in batch order', async () => {
    const { ledger } = app.services.economy;
    const [sink, issuance] = await Promise.all([
      ledger.systemAccount('coin_sink'),
      ledger.systemAccount('diamond_issuance'),
    ]);
    const coinAccounts = await Promise.all(fans.map((f) => ledger.accountId(f.user.id, 'COIN', false)));
    const diamondAccounts = await Promise.all(
      creators.map((c) => ledger.accountId(c.user.id, 'DIAMOND', true)),
    );
    const accounts = [sink, issuance, ...coinAccounts, ...diamondAccounts].map(Number);
    const state = async () => {
      const rows = await database.db
        .selectFrom('ledgerAccounts')
        .select(['id', 'balance', 'carry'])
        .where('id', 'in', accounts)
        .execute();
      return new Map(rows.map((r) => [r.id, { balance: r.balance, carry: r.carry }]));
    };

    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            fan: fc.nat({ max: FANS - 1 }),
            creator: fc.nat({ max: CREATORS - 1 }),
            coins: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 60 })),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.nat({ max: FANS - 1 })),
        async (gifts, shareBps, topUp) => {
          if (topUp !== null) await buyCoins(app, fans[topUp]!, 'coins_70');
          const before = await state();
          const giftsBefore = await countGiftTransfers(database.db);

          // The model: core's rules over a copy of the balances, gift after gift.
          const model = new Map([...before].map(([id, a]) => [id, { ...a }]));
          const expected = gifts.map((g) => {
            const wallet = model.get(coinAccounts[g.fan]!)!;
            const after = applyPosting(wallet.balance, -g.coins, 'user');
            if (after === null) return { granted: false, balanceAfter: wallet.balance, diamonds: 0 };
            wallet.balance = after;
            const creator = model.get(diamondAccounts[g.creator]!)!;
            const share = creatorShare(g.coins, shareBps, creator.carry);
            creator.carry = share.carry;
            creator.balance += share.diamonds;
            model.get(sink)!.balance += g.coins;
            model.get(issuance)!.balance -= share.diamonds;
            return { granted: true, balanceAfter: after, diamonds: share.diamonds };
          });

          const { outcomes } = await sendGifts(database.db, {
            sink,
            issuance,
            platformShareBps: shareBps,
            gifts: gifts.map((g, i) => ({
              key: newKey('batch-prop'),
              requestHash: 'h',
              senderAccount: coinAccounts[g.fan]!,
              creatorAccount: diamondAccounts[g.creator]!,
              coins: g.coins,
              sessionId: sessions[g.creator]!,
              giftId: 'rose',
              quantity: g.coins,
              streakId: newKey('s'),
              streakCount: i + 1,
            })),
          });

          expect(
            outcomes.map((o) => ({
              granted: o.transferId !== null,
              balanceAfter: o.balanceAfter,
              diamonds: o.diamonds,
            })),
          ).toEqual(expected);
          expect(await state()).toEqual(model);
          expect(await countGiftTransfers(database.db)).toBe(
            giftsBefore + expected.filter((e) => e.granted).length,
          );
        },
      ),
      { numRuns: 25 },
    );
    await expectLedgerOk(database.db);
  });
});
