import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../realtime/bus.ts';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { countGiftTransfers, sendGifts } from './gifts.repository.ts';
import {
  buyCoins,
  endLive,
  expectLedgerOk,
  goLive,
  newKey,
  sendGift,
  type TestUser,
  wallet,
} from './testing.ts';

describe.each(testDatabases())('gifting on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let admin: TestUser;
  let creator: TestUser;
  let fan: TestUser;
  let sessionId: string;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    admin = await signup(app, 'gift_admin');
    creator = await signup(app, 'gift_creator');
    fan = await signup(app, 'gift_fan');
    sessionId = await goLive(app, creator);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('lists the seeded catalog and packages at TikTok-like price points', async () => {
    const gifts = (await app.inject('/api/v1/gifts')).json().gifts as {
      id: string;
      coins: number;
      tier: string;
    }[];
    expect(gifts.find((g) => g.id === 'rose')).toMatchObject({ coins: 1, tier: 'small', streakable: true });
    expect(gifts.find((g) => g.id === 'universe')).toMatchObject({ coins: 44_999, tier: 'epic' });
    expect(gifts.map((g) => g.coins)).toEqual(expect.arrayContaining([1, 100, 1000, 5000, 20_000]));
    const packages = (await app.inject('/api/v1/coin-packages')).json();
    expect(packages.provider).toBe('sandbox');
    expect(packages.packages[0]).toEqual({ id: 'coins_70', coins: 70, priceCents: 99, currency: 'USD' });
    expect(packages.packages.at(-1)).toEqual({
      id: 'coins_17500',
      coins: 17_500,
      priceCents: 24_999,
      currency: 'USD',
    });
  });

  it('buys coins, sends a gift, credits diamonds and tells the room only after commit', async () => {
    await buyCoins(app, fan, 'coins_700');
    expect(await wallet(app, fan)).toMatchObject({ coins: 700, diamonds: 0 });

    const frames: unknown[] = [];
    const off = await app.bus.subscribe(topics.stream(sessionId), (m) => frames.push(m));
    const res = await sendGift(app, fan, 'gift_creator', { giftId: 'hand_hearts', quantity: 3 });
    expect(res.statusCode, res.body).toBe(201);
    const receipt = res.json();
    expect(receipt).toMatchObject({
      sessionId,
      gift: { id: 'hand_hearts', name: 'Hand Hearts', coins: 100, tier: 'medium' },
      quantity: 3,
      coins: 300,
      diamonds: 150,
      balance: { coins: 400 },
      streak: { count: 3 },
    });
    expect(await wallet(app, fan)).toMatchObject({ coins: 400 });
    expect(await wallet(app, creator)).toMatchObject({ diamonds: 150 });

    await expect.poll(() => frames.length).toBe(1);
    expect(frames[0]).toMatchObject({
      type: 'gift',
      id: receipt.id,
      sessionId,
      gift: { id: 'hand_hearts', coins: 100, animation: 'burst' },
      from: { handle: 'gift_fan' },
      quantity: 3,
      totalCoins: 300,
    });
    await off();
    await expectLedgerOk(database.db);
  });

  it('carries the odd half-diamond of 1-coin gifts instead of rounding it away or up', async () => {
    const before = (await wallet(app, creator)).diamonds;
    for (let i = 0; i < 3; i++)
      expect((await sendGift(app, fan, 'gift_creator', { giftId: 'rose' })).statusCode).toBe(201);
    // 3 coins at 50 %: 1.5 diamonds → 1 now, the half carried to the next gift.
    expect((await wallet(app, creator)).diamonds).toBe(before + 1);
    await sendGift(app, fan, 'gift_creator', { giftId: 'rose' });
    expect((await wallet(app, creator)).diamonds).toBe(before + 2);
    await expectLedgerOk(database.db);
  });

  it('stacks repeated small gifts into one streak, and a new combo starts a new one', async () => {
    const a = (await sendGift(app, fan, 'gift_creator', { giftId: 'finger_heart', comboId: 'c1' })).json();
    const b = (
      await sendGift(app, fan, 'gift_creator', { giftId: 'finger_heart', quantity: 2, comboId: 'c1' })
    ).json();
    const c = (await sendGift(app, fan, 'gift_creator', { giftId: 'finger_heart', comboId: 'c2' })).json();
    expect(b.streak).toMatchObject({ id: a.streak.id, count: a.streak.count + 2 });
    expect(c.streak.id).not.toBe(a.streak.id);
    expect(c.streak.count).toBe(1);
    expect(Date.parse(b.streak.endsAt)).toBeGreaterThan(Date.parse(b.createdAt));
  });

  it('answers a retry with the original result and refuses the key for a different body', async () => {
    const key = newKey('retry');
    const first = await sendGift(app, fan, 'gift_creator', { giftId: 'doughnut', idempotencyKey: key });
    expect(first.statusCode).toBe(201);
    const coins = (await wallet(app, fan)).coins;
    const again = await sendGift(app, fan, 'gift_creator', { giftId: 'doughnut', idempotencyKey: key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await sendGift(app, fan, 'gift_creator', {
      giftId: 'doughnut',
      quantity: 2,
      idempotencyKey: key,
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('request.idempotency_conflict');
    // Even when the new body would be refused anyway (too expensive, unknown gift, offline room).
    for (const body of [{ giftId: 'universe' }, { giftId: 'golden_goose' }]) {
      const reused = await sendGift(app, fan, 'gift_creator', { ...body, idempotencyKey: key });
      expect(reused.json().error.code, JSON.stringify(body)).toBe('request.idempotency_conflict');
    }
    expect((await wallet(app, fan)).coins).toBe(coins);

    // The same key sent many times at once is applied once; every copy gets the same answer.
    const burstKey = newKey('burst');
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        sendGift(app, fan, 'gift_creator', { giftId: 'rose', idempotencyKey: burstKey }),
      ),
    );
    expect(new Set(burst.map((r) => r.json().id)).size).toBe(1);
    expect(burst.every((r) => r.statusCode === 201)).toBe(true);
    expect((await wallet(app, fan)).coins).toBe(coins - 1);
    await expectLedgerOk(database.db);
  });

  it('fails only the gifts a wallet cannot pay for when many arrive at once', async () => {
    const poor = await signup(app);
    await buyCoins(app, poor, 'coins_70');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => sendGift(app, poor, 'gift_creator', { giftId: 'doughnut' })),
    );
    const ok = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode !== 201);
    // 70 coins buy two 30-coin doughnuts; the other ten are refused, each on its own.
    expect(ok).toHaveLength(2);
    expect(refused.map((r) => r.json().error.code)).toEqual(Array(10).fill('gift.insufficient_coins'));
    expect(refused[0]!.statusCode).toBe(402);
    expect(refused[0]!.json().error.data).toEqual({ balance: 10, required: 30 });
    expect((await wallet(app, poor)).coins).toBe(10);
    await expectLedgerOk(database.db);
  });

  it('shows on /metrics how many gifts each transaction committed together', async () => {
    const scrape = async () => (await app.inject('/metrics')).body;
    const count = (text: string, name: string) =>
      Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? Number.NaN);
    const before = await scrape();
    const gifter = await signup(app);
    await buyCoins(app, gifter, 'coins_70');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sendGift(app, gifter, 'gift_creator', { giftId: 'rose' })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const after = await scrape();
    // Every gift is counted in exactly one batch (how many batches depends on timing).
    const gifts = count(after, 'onair_gift_batch_size_sum') - count(before, 'onair_gift_batch_size_sum');
    const batches =
      count(after, 'onair_gift_batch_size_count') - count(before, 'onair_gift_batch_size_count');
    expect(gifts).toBe(8);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(8);
    expect(after).toMatch(/^onair_gift_batch_seconds_count \d+$/m);
    expect(count(after, 'onair_gift_batches_failed_total')).toBe(
      count(before, 'onair_gift_batches_failed_total'),
    );
  });

  it('lets a cheaper gift through after a dearer one the wallet could not pay, in one batch', async () => {
    const spender = await signup(app);
    await buyCoins(app, spender, 'coins_70');
    const { ledger } = app.services.economy;
    const [sink, issuance, coins, diamonds] = await Promise.all([
      ledger.systemAccount('coin_sink'),
      ledger.systemAccount('diamond_issuance'),
      ledger.accountId(spender.user.id, 'COIN', false),
      ledger.accountId(creator.user.id, 'DIAMOND', true),
    ]);
    const gift = (giftId: string, quantity: number, cost: number) => ({
      key: newKey('batch'),
      requestHash: 'x',
      senderAccount: coins!,
      creatorAccount: diamonds!,
      coins: cost,
      sessionId,
      giftId,
      quantity,
      streakId: newKey('streak'),
      streakCount: quantity,
    });
    const { outcomes } = await sendGifts(database.db, {
      sink,
      issuance,
      platformShareBps: 5000,
      gifts: [gift('doughnut', 3, 90), gift('rose', 5, 5)],
    });
    expect(outcomes[0]).toMatchObject({ transferId: null, balanceAfter: 70, diamonds: 0 });
    expect(outcomes[1]).toMatchObject({ balanceAfter: 65 });
    expect(outcomes[1]!.transferId).toBeGreaterThan(0);
    expect((await wallet(app, spender)).coins).toBe(65);
    await expectLedgerOk(database.db);
  });

  it('fails a malformed batch whole at the database, writing nothing', async () => {
    const { ledger } = app.services.economy;
    const [sink, issuance, coins, diamonds] = await Promise.all([
      ledger.systemAccount('coin_sink'),
      ledger.systemAccount('diamond_issuance'),
      ledger.accountId(fan.user.id, 'COIN', false),
      ledger.accountId(creator.user.id, 'DIAMOND', true),
    ]);
    const before = await countGiftTransfers(database.db);
    const gift = {
      key: newKey('malformed'),
      requestHash: 'x',
      senderAccount: coins!,
      creatorAccount: diamonds!,
      coins: 1,
      sessionId,
      giftId: 'rose',
      quantity: 1,
      streakId: 'malformed',
      streakCount: 1,
    };
    const send = (g: typeof gift) =>
      sendGifts(database.db, { sink, issuance, platformShareBps: 5000, gifts: [g] });
    // A caller's bugs the function must not paper over: accounts that do not exist, a price of zero.
    await expect(send({ ...gift, senderAccount: 999_999, creatorAccount: 999_998 })).rejects.toThrow(
      /2 of 4 accounts exist/,
    );
    await expect(send({ ...gift, coins: 0 })).rejects.toThrow(/malformed/);
    expect(await countGiftTransfers(database.db)).toBe(before);
    await expectLedgerOk(database.db);
  });

  it('refuses bad input with a clear code and changes no balance', async () => {
    const before = { fan: await wallet(app, fan), creator: await wallet(app, creator) };
    const offline = await signup(app);
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: offline.auth });
    const cases: [string, Record<string, unknown>, number, string, string?][] = [
      ['negative quantity', { giftId: 'rose', quantity: -1 }, 400, 'request.invalid'],
      ['zero quantity', { giftId: 'rose', quantity: 0 }, 400, 'request.invalid'],
      ['fractional quantity', { giftId: 'rose', quantity: 1.5 }, 400, 'request.invalid'],
      ['huge quantity', { giftId: 'rose', quantity: 1e9 }, 400, 'request.invalid'],
      ['quantity as text', { giftId: 'rose', quantity: '2' }, 400, 'request.invalid'],
      ['forged amount', { giftId: 'rose', coins: 0 }, 400, 'request.invalid'],
      ['forged diamonds', { giftId: 'rose', diamonds: 1_000_000 }, 400, 'request.invalid'],
      ['unknown gift', { giftId: 'golden_goose' }, 404, 'gift.unknown'],
      ['malformed gift id', { giftId: '../rose' }, 400, 'request.invalid'],
      ['no idempotency key', { giftId: 'rose', idempotencyKey: undefined }, 400, 'request.invalid'],
      ['short idempotency key', { giftId: 'rose', idempotencyKey: 'abc' }, 400, 'request.invalid'],
      ['too expensive', { giftId: 'universe' }, 402, 'gift.insufficient_coins'],
      ['offline room', { giftId: 'rose' }, 409, 'gift.room_offline', offline.user.handle],
      ['unknown creator', { giftId: 'rose' }, 404, 'user.not_found', 'nobody_here'],
      ['yourself', { giftId: 'rose' }, 400, 'gift.self', 'gift_fan'],
    ];
    for (const [name, body, status, code, target] of cases) {
      const res = await sendGift(app, fan, target ?? 'gift_creator', body);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(status);
      expect(res.json().error.code, name).toBe(code);
    }
    const inactive = await app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/gifts/lion',
      headers: admin.auth,
      payload: { active: false },
    });
    expect(inactive.statusCode).toBe(200);
    expect((await sendGift(app, fan, 'gift_creator', { giftId: 'lion' })).json().error.code).toBe(
      'gift.unknown',
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/rooms/gift_creator/gifts',
          payload: { giftId: 'rose', idempotencyKey: newKey() },
        })
      ).statusCode,
    ).toBe(401);
    expect({ fan: await wallet(app, fan), creator: await wallet(app, creator) }).toEqual(before);
    await expectLedgerOk(database.db);
  });

  it('refuses gifts to a session that ended where this node could not see it, though it had it as LIVE', async () => {
    const host = await signup(app);
    const gifter = await signup(app);
    await buyCoins(app, gifter, 'coins_70');
    const live = await goLive(app, host);
    // The first gift makes the service keep the host's session; then another node ends it.
    expect((await sendGift(app, gifter, host.user.handle, { giftId: 'rose' })).statusCode).toBe(201);
    await database.db
      .updateTable('liveSessions')
      .set({ status: 'ended', endedAt: new Date() })
      .where('id', '=', live)
      .execute();
    const before = await wallet(app, gifter);
    const refused = await Promise.all(
      ['rose', 'doughnut'].map((giftId) => sendGift(app, gifter, host.user.handle, { giftId })),
    );
    expect(refused.map((r) => [r.statusCode, r.json().error.code])).toEqual([
      [409, 'gift.room_offline'],
      [409, 'gift.room_offline'],
    ]);
    expect(await wallet(app, gifter)).toEqual(before);
    expect(
      await database.db.selectFrom('giftEvents').select('transferId').where('sessionId', '=', live).execute(),
    ).toHaveLength(1);
    await expectLedgerOk(database.db);
  });

  it('charges a new price from the next gift on', async () => {
    const gifter = await signup(app);
    await buyCoins(app, gifter, 'coins_70');
    const price = async (coins: number) =>
      (
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/admin/gifts/finger_heart',
          headers: admin.auth,
          payload: { coins },
        })
      ).statusCode;
    const send = async () =>
      (await sendGift(app, gifter, 'gift_creator', { giftId: 'finger_heart' })).json().coins;
    expect(await send()).toBe(5);
    expect(await price(7)).toBe(200);
    try {
      expect(await send()).toBe(7);
    } finally {
      expect(await price(5)).toBe(200);
    }
    expect(await send()).toBe(5);
    expect((await wallet(app, gifter)).coins).toBe(70 - 5 - 7 - 5);
    await expectLedgerOk(database.db);
  });

  it('shows the top gifters of the current session, and none once it ended', async () => {
    const top = (await app.inject('/api/v1/rooms/gift_creator/top-gifters')).json();
    expect(top.sessionId).toBe(sessionId);
    expect(top.gifters[0]).toMatchObject({ user: { handle: 'gift_fan' } });
    expect(top.gifters[0].coins).toBeGreaterThan(300);
    await endLive(app, sessionId);
    expect((await app.inject('/api/v1/rooms/gift_creator/top-gifters')).json()).toEqual({
      sessionId: null,
      gifters: [],
    });
    const res = await sendGift(app, fan, 'gift_creator', { giftId: 'rose' });
    expect(res.json().error.code).toBe('gift.room_offline');
    sessionId = await goLive(app, creator);
  });

  it('keeps a full statement per asset, paged newest first', async () => {
    const page1 = (
      await app.inject({ url: '/api/v1/wallet/statement?asset=COIN&limit=3', headers: fan.auth })
    ).json();
    expect(page1.entries).toHaveLength(3);
    expect(page1.balance).toBe((await wallet(app, fan)).coins);
    expect(page1.entries[0].balanceAfter).toBe(page1.balance);
    expect(page1.entries[0]).toMatchObject({
      kind: 'gift',
      asset: 'COIN',
      counterparty: { handle: 'gift_creator' },
    });
    expect(page1.entries[0].memo).toMatch(/ to @gift_creator$/);
    let cursor = page1.nextCursor;
    const all = [...page1.entries];
    while (cursor) {
      const next = (
        await app.inject({
          url: `/api/v1/wallet/statement?asset=COIN&limit=3&cursor=${cursor}`,
          headers: fan.auth,
        })
      ).json();
      all.push(...next.entries);
      cursor = next.nextCursor;
    }
    expect(all.at(-1)).toMatchObject({
      kind: 'purchase',
      amount: 700,
      balanceAfter: 700,
      memo: 'Bought 700 coins',
    });
    // Walking back from the balance through every entry lands on zero.
    expect(all.reduce((b, e) => b - e.amount, page1.balance)).toBe(0);
    const diamonds = (
      await app.inject({ url: '/api/v1/wallet/statement?asset=DIAMOND', headers: creator.auth })
    ).json();
    const fromFan = diamonds.entries.find(
      (e: { counterparty: { handle: string } | null }) => e.counterparty?.handle === 'gift_fan',
    );
    expect(fromFan.memo).toMatch(/ from @gift_fan$/);
    expect(fromFan.amount).toBeGreaterThan(0);
    expect(
      (await app.inject({ url: '/api/v1/wallet/statement?cursor=abc', headers: fan.auth })).statusCode,
    ).toBe(400);
  });
});
