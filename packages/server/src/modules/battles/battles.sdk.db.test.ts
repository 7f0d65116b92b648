import type { AddressInfo } from 'node:net';
import { ServerFrame } from '@onair/protocol';
import { OnAirClient, OnAirError } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { goLive } from '../economy/testing.ts';

/**
 * A battle as the web app drives it, through the SDK over real HTTP and a real socket: every answer
 * and every `battle` frame must parse with the protocol schemas the client validates against.
 */
describe.each(testDatabases())('battles through the SDK on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { BATTLE_CONNECT_S: '0', BATTLE_TICK_MS: '50', BATTLE_SETTLE_MS: '50' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function creator(handle: string) {
    const client = new OnAirClient({ baseUrl });
    const user = await client.signup({ handle, password: 'password123' }, { bearer: true });
    const sessionId = await goLive(app, { user, auth: { authorization: `Bearer ${client.token}` } });
    return { client, user, sessionId };
  }

  it('invites, accepts, streams parsed battle frames, finishes with a result phase and reads the record', async () => {
    const ana = await creator('sdk_ana');
    const ben = await creator('sdk_ben');
    const fan = new OnAirClient({ baseUrl });
    await fan.signup({ handle: 'sdk_battle_fan', password: 'password123' }, { bearer: true });
    await fan.confirmPurchase((await fan.buyCoins('coins_700')).id);

    const socket = new WebSocket(fan.realtimeUrl());
    const frames: ServerFrame[] = [];
    socket.on('message', (d) => frames.push(ServerFrame.parse(JSON.parse(d.toString()))));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'watch', sessionId: ben.sessionId }));
    await eventually('the watch to take effect', () => frames.some((f) => f.type === 'watching'));

    const self = await ana.client.inviteToBattle({ handle: 'sdk_ana' }).catch((e: OnAirError) => e);
    expect(self).toBeInstanceOf(OnAirError);
    expect((self as OnAirError).code).toBe('battle.self');

    const invite = await ana.client.inviteToBattle({ handle: 'sdk_ben', durationS: 5, resultS: 1 });
    expect(invite).toMatchObject({ status: 'invited', mode: 'invite' });
    expect((await ben.client.currentBattle())?.id).toBe(invite.id);
    await ben.client.acceptBattle(invite.id);
    await expect.poll(async () => (await fan.sessionBattle(ben.sessionId))?.status).toBe('active');
    await fan.sendGift('sdk_ben', { giftId: 'doughnut' });

    // Ben's room sees its own creator on side 1 and the score move.
    await expect
      .poll(() =>
        frames.some((f) => f.type === 'battle' && f.battle.sides[1]?.score === 60 && f.giftIds?.length),
      )
      .toBe(true);
    await expect.poll(async () => (await fan.battle(invite.id)).status, { timeout: 10_000 }).toBe('ended');
    const ended = await fan.battle(invite.id);
    expect(ended).toMatchObject({ reason: 'finished', winner: 1 });
    expect(frames.some((f) => f.type === 'battle' && f.battle.status === 'result')).toBe(true);
    expect(ended.sides[1]!.mvps).toEqual([
      { user: expect.objectContaining({ handle: 'sdk_battle_fan' }), points: 60 },
    ]);
    const history = await fan.battleHistory('sdk_ben', { vs: 'sdk_ana' });
    expect(history.record).toMatchObject({ battles: 1, wins: 1 });
    expect(history.headToHead).toMatchObject({ wins: 1, losses: 0 });
    expect(await ana.client.quickMatch()).toEqual({ status: 'waiting', battle: null });
    expect(await ana.client.leaveMatchQueue()).toEqual({ left: true });
    socket.close();
  }, 20_000);
});
