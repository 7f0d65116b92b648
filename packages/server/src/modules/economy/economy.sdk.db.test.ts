import type { AddressInfo } from 'node:net';
import type { ServerFrame } from '@onair/protocol';
import { OnAirClient, type OnAirError, OnAirRealtime } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { expectLedgerOk, goLive } from './testing.ts';

/**
 * The money loop as the web app drives it, over real HTTP and a real socket through the SDK: buy
 * coins with the sandbox, send a gift, the room's socket gets the gift frame to animate, the creator
 * sees diamonds and cashes out, and the admin pays out and audits.
 */
describe.each(testDatabases())('the money loop through the SDK on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let baseUrl: string;
  const admin = () => new OnAirClient({ baseUrl });

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('buys, gifts, animates, earns, withdraws and audits', async () => {
    const boss = admin();
    await boss.signup({ handle: 'sdk_admin', password: 'password123' }, { bearer: true });
    const creator = new OnAirClient({ baseUrl });
    const creatorUser = await creator.signup(
      { handle: 'sdk_creator', password: 'password123' },
      { bearer: true },
    );
    const fan = new OnAirClient({ baseUrl });
    await fan.signup(
      { handle: 'sdk_fan', password: 'password123', displayName: 'Fan Club' },
      { bearer: true },
    );
    const sessionId = await goLive(app, {
      user: creatorUser,
      auth: { authorization: `Bearer ${creator.token}` },
    });

    const packages = await fan.coinPackages();
    expect(packages.provider).toBe('sandbox');
    const started = await fan.buyCoins('coins_1400');
    expect(started.status).toBe('pending');
    expect((await fan.confirmPurchase(started.id)).status).toBe('succeeded');
    expect(await fan.wallet()).toEqual({ coins: 1400, diamonds: 0, currency: 'USD' });

    const viewer = new WebSocket(fan.realtimeUrl());
    const frames: ServerFrame[] = [];
    viewer.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => viewer.once('open', r));
    viewer.send(JSON.stringify({ type: 'watch', sessionId }));
    await eventually('the watch acknowledged', () =>
      frames.some((f) => f.type === 'watching' && f.sessionId === sessionId),
    );

    const catalog = await fan.giftCatalog();
    const galaxy = catalog.find((g) => g.id === 'galaxy')!;
    expect(galaxy).toMatchObject({ tier: 'large', animation: 'fullscreen', streakable: false });
    const receipt = await fan.sendGift('sdk_creator', { giftId: 'galaxy' });
    expect(receipt).toMatchObject({ coins: 1000, diamonds: 500, balance: { coins: 400 } });
    for (let i = 0; i < 3; i++) await fan.sendGift('sdk_creator', { giftId: 'rose', comboId: 'tap' });

    await expect.poll(() => frames.filter((f) => f.type === 'gift').length).toBe(4);
    const giftFrames = frames.filter((f): f is Extract<ServerFrame, { type: 'gift' }> => f.type === 'gift');
    expect(giftFrames[0]).toMatchObject({
      id: receipt.id,
      sessionId,
      gift: { id: 'galaxy', animation: 'fullscreen', tier: 'large', icon: '🌌' },
      from: { handle: 'sdk_fan', displayName: 'Fan Club' },
      quantity: 1,
      totalCoins: 1000,
    });
    // The roses stack into one streak the room shows as x1, x2, x3.
    expect(giftFrames.slice(1).map((f) => f.streak.count)).toEqual([1, 2, 3]);
    expect(new Set(giftFrames.slice(1).map((f) => f.streak.id)).size).toBe(1);
    viewer.close();

    const top = await fan.topGifters('sdk_creator');
    expect(top.gifters).toEqual([{ user: expect.objectContaining({ handle: 'sdk_fan' }), coins: 1003 }]);
    const earnings = await creator.earnings();
    expect(earnings).toMatchObject({ diamonds: 501, valueCents: 501 });
    const refused = await creator.requestWithdrawal(100).catch((e: OnAirError) => e);
    expect(refused).toMatchObject({ code: 'wallet.withdrawal_below_minimum', status: 400 });
    const below = await fan.sendGift('sdk_creator', { giftId: 'universe' }).catch((e: OnAirError) => e);
    expect(below).toMatchObject({ code: 'gift.insufficient_coins', status: 402 });

    // Enough diamonds to cash out: a second fan buys big.
    const whale = new OnAirClient({ baseUrl });
    await whale.signup({ handle: 'sdk_whale', password: 'password123' }, { bearer: true });
    const big = await whale.buyCoins('coins_7000');
    await whale.confirmPurchase(big.id);
    await whale.sendGift('sdk_creator', { giftId: 'drama_queen' });
    const w = await creator.requestWithdrawal(1500);
    expect(w).toMatchObject({ status: 'pending', grossCents: 1500, feeCents: 45, netCents: 1455 });
    expect((await boss.adminWithdrawals({ status: 'pending' })).items.map((x) => x.id)).toEqual([w.id]);
    await boss.approveWithdrawal(w.id);
    expect((await boss.payoutWithdrawal(w.id)).status).toBe('paid');
    expect((await creator.withdrawals()).items[0]).toMatchObject({ id: w.id, status: 'paid' });
    expect((await creator.statement({ asset: 'DIAMOND', limit: 1 })).entries[0]).toMatchObject({
      kind: 'withdrawal',
      amount: -1500,
    });
    const audit = await boss.checkLedger();
    expect(audit.problems).toEqual([]);
    expect(audit.ok).toBe(true);
  });

  it('sends gifts over the realtime socket: receipts by nonce, retries answered, refusals coded', async () => {
    const creator = new OnAirClient({ baseUrl });
    const creatorUser = await creator.signup(
      { handle: 'ws_creator', password: 'password123' },
      { bearer: true },
    );
    const fan = new OnAirClient({ baseUrl });
    await fan.signup({ handle: 'ws_fan', password: 'password123' }, { bearer: true });
    const sessionId = await goLive(app, {
      user: creatorUser,
      auth: { authorization: `Bearer ${creator.token}` },
    });
    await fan.confirmPurchase((await fan.buyCoins('coins_70')).id);

    const connect = (token?: string) => {
      // Node's `ws` takes headers; the browser sends the session cookie instead.
      class AuthedWebSocket extends WebSocket {
        constructor(url: string) {
          super(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
        }
      }
      const frames: ServerFrame[] = [];
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      const rt = new OnAirRealtime({
        url: fan.realtimeUrl(),
        WebSocketImpl: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
        onFrame: (f) => frames.push(f),
        onStatus: (s) => s === 'open' && open(),
      });
      return { rt, frames, opened };
    };
    const sender = connect(fan.token);
    const watcher = connect();
    const self = connect(creator.token);
    try {
      await Promise.all([sender.opened, watcher.opened, self.opened]);
      // The SDK's watch resolves on the server's acknowledgement.
      await watcher.rt.watch(sessionId);

      const first = await sender.rt.sendGift('ws_creator', {
        giftId: 'doughnut',
        idempotencyKey: 'ws-gift-1',
      });
      expect(first.replayed).toBe(false);
      expect(first.receipt).toMatchObject({ sessionId, coins: 30, diamonds: 15, balance: { coins: 40 } });
      // A retry with the same key is answered with the same gift, charged once.
      const retry = await sender.rt.sendGift('ws_creator', {
        giftId: 'doughnut',
        idempotencyKey: 'ws-gift-1',
      });
      expect(retry).toMatchObject({ replayed: true, receipt: { id: first.receipt.id } });
      const conflict = await sender.rt
        .sendGift('ws_creator', { giftId: 'rose', idempotencyKey: 'ws-gift-1' })
        .catch((e: OnAirError) => e);
      expect(conflict).toMatchObject({ code: 'request.idempotency_conflict' });
      const poor = await sender.rt
        .sendGift('ws_creator', { giftId: 'corgi', idempotencyKey: 'ws-gift-2' })
        .catch((e: OnAirError) => e);
      expect(poor).toMatchObject({ code: 'gift.insufficient_coins', data: { balance: 40, required: 299 } });
      const own = await self.rt
        .sendGift('ws_creator', { giftId: 'rose', idempotencyKey: 'ws-gift-3' })
        .catch((e: OnAirError) => e);
      expect(own).toMatchObject({ code: 'gift.self' });
      const anonymous = await watcher.rt
        .sendGift('ws_creator', { giftId: 'rose', idempotencyKey: 'ws-gift-4' })
        .catch((e: OnAirError) => e);
      expect(anonymous).toMatchObject({ code: 'auth.required' });
      // A forged amount or a negative quantity is not a gift frame at all.
      const raw = new WebSocket(fan.realtimeUrl(), { headers: { authorization: `Bearer ${fan.token}` } });
      const rawFrames: ServerFrame[] = [];
      raw.on('message', (d) => rawFrames.push(JSON.parse(d.toString())));
      await new Promise((r) => raw.once('open', r));
      raw.send(
        JSON.stringify({
          type: 'gift',
          to: 'ws_creator',
          giftId: 'rose',
          quantity: -1,
          idempotencyKey: 'ws-gift-5',
          nonce: 'n1',
        }),
      );
      raw.send(
        JSON.stringify({
          type: 'gift',
          to: 'ws_creator',
          giftId: 'rose',
          coins: 0,
          idempotencyKey: 'ws-gift-6',
          nonce: 'n2',
        }),
      );
      await expect.poll(() => rawFrames.filter((f) => f.type === 'error').length).toBe(2);
      expect(rawFrames.filter((f) => f.type === 'error').map((f) => [f.code, f.nonce])).toEqual([
        ['request.invalid', 'n1'],
        ['request.invalid', 'n2'],
      ]);
      raw.close();

      // The room saw the one committed gift, once.
      await expect.poll(() => watcher.frames.filter((f) => f.type === 'gift').length).toBe(1);
      expect(await fan.wallet()).toMatchObject({ coins: 40 });
    } finally {
      for (const c of [sender, watcher, self]) c.rt.close();
    }
    await expectLedgerOk(database.db);
  });
});
