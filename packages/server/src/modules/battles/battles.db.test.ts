import type { Battle } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { connect } from '../../test/ws-client.ts';
import {
  buyCoins,
  endLive,
  expectLedgerOk,
  goLive,
  newKey,
  sendGift,
  type TestUser,
} from '../economy/testing.ts';

// Short battles, no countdown and no result phase unless a test asks: the timings are what is tested.
const ENV = { BATTLE_CONNECT_S: '0', BATTLE_RESULT_S: '0', BATTLE_TICK_MS: '50', BATTLE_SETTLE_MS: '100' };

async function post(app: FastifyInstance, who: TestUser, url: string, payload: object = {}) {
  return app.inject({ method: 'POST', url: `/api/v1${url}`, headers: who.auth, payload });
}

async function battleOf(app: FastifyInstance, id: string): Promise<Battle> {
  return (await app.inject({ url: `/api/v1/battles/${id}` })).json();
}

/** The ledger's own sum of gifts to a session inside [from, to): the final score must equal it. */
async function ledgerSum(database: TestDatabaseHandle, sessionId: string, from: string, to: string) {
  const rows = await database.db
    .selectFrom('giftEvents as g')
    .innerJoin('ledgerTransfers as t', 't.id', 'g.transferId')
    .select(['g.coins', 't.createdAt'])
    .where('g.sessionId', '=', sessionId)
    .execute();
  const a = Date.parse(from);
  const b = Date.parse(to);
  return rows
    .filter((r) => r.createdAt.getTime() >= a && r.createdAt.getTime() < b)
    .reduce((n, r) => n + r.coins, 0);
}

describe.each(testDatabases())('battles on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function creators() {
    const a = await signup(app);
    const b = await signup(app);
    const sessionA = await goLive(app, a);
    const sessionB = await goLive(app, b);
    return { a, b, sessionA, sessionB };
  }

  async function startBattle(a: TestUser, b: TestUser, durationS = 5) {
    const invited = await post(app, a, '/battles/invites', { handle: b.user.handle, durationS, resultS: 0 });
    expect(invited.statusCode, invited.body).toBe(201);
    const id = invited.json().id as string;
    const accepted = await post(app, b, `/battles/${id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    return eventually('the battle to start', async () => {
      const battle = await battleOf(app, id);
      return battle.status === 'active' ? battle : undefined;
    });
  }

  it('refuses bad invites with coded errors and changes nothing', async () => {
    const { a, b } = await creators();
    const offline = await signup(app);
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: offline.auth });
    const viewer = await signup(app);

    const self = await post(app, a, '/battles/invites', { handle: a.user.handle });
    expect([self.statusCode, self.json().error.code]).toEqual([400, 'battle.self']);
    const off = await post(app, a, '/battles/invites', { handle: offline.user.handle });
    expect([off.statusCode, off.json().error.code]).toEqual([409, 'battle.creator_offline']);
    const notLive = await post(app, offline, '/battles/invites', { handle: a.user.handle });
    expect([notLive.statusCode, notLive.json().error.code]).toEqual([409, 'battle.not_live']);
    const byViewer = await post(app, viewer, '/battles/invites', { handle: a.user.handle });
    expect(byViewer.statusCode).toBe(403);
    const unknown = await post(app, a, '/battles/invites', { handle: 'nobody_here_at_all' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'user.not_found']);
    expect((await app.inject({ url: '/api/v1/battles/current', headers: a.auth })).json()).toEqual({
      battle: null,
    });

    // One battle at a time, for both the inviter and the invitee.
    const ok = await post(app, a, '/battles/invites', { handle: b.user.handle });
    expect(ok.statusCode).toBe(201);
    const c = await signup(app);
    await goLive(app, c);
    const busyInvitee = await post(app, c, '/battles/invites', { handle: b.user.handle });
    expect([busyInvitee.statusCode, busyInvitee.json().error.code]).toEqual([409, 'battle.busy']);
    const busyInviter = await post(app, a, '/battles/invites', { handle: c.user.handle });
    expect([busyInviter.statusCode, busyInviter.json().error.code]).toEqual([409, 'battle.busy']);

    // Only the invitee answers; outsiders are not members.
    const id = ok.json().id as string;
    const ownAccept = await post(app, a, `/battles/${id}/accept`);
    expect([ownAccept.statusCode, ownAccept.json().error.code]).toEqual([403, 'battle.not_invited']);
    const outsider = await post(app, c, `/battles/${id}/accept`);
    expect([outsider.statusCode, outsider.json().error.code]).toEqual([403, 'battle.not_member']);
    const missing = await post(app, a, '/battles/00000000-0000-4000-8000-000000000000/leave');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'battle.not_found']);

    const declined = await post(app, b, `/battles/${id}/decline`);
    expect(declined.json()).toMatchObject({ status: 'ended', reason: 'declined', winner: null });
    const again = await post(app, b, `/battles/${id}/accept`);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'battle.ended']);
    // Both are free again.
    expect((await post(app, a, '/battles/invites', { handle: c.user.handle })).statusCode).toBe(201);
  });

  it('expires an invite after its time, and an expired invite cannot be accepted', async () => {
    const short = await testApp(database, { ...ENV, BATTLE_INVITE_TTL_S: '1' });
    try {
      const a = await signup(short);
      const b = await signup(short);
      await goLive(short, a);
      await goLive(short, b);
      const invited = await post(short, a, '/battles/invites', { handle: b.user.handle });
      const id = invited.json().id as string;
      const ended = await eventually('the invite to expire', async () => {
        const battle = await battleOf(short, id);
        return battle.status === 'ended' ? battle : undefined;
      });
      expect(ended.reason).toBe('expired');
      expect(Date.parse(ended.endedAt!)).toBe(Date.parse(ended.expiresAt ?? invited.json().expiresAt));
      const late = await post(short, b, `/battles/${id}/accept`);
      expect([late.statusCode, late.json().error.code]).toEqual([409, 'battle.invite_expired']);
    } finally {
      await short.close();
    }
  });

  it('scores committed gifts on both sides (concurrent and retried), survives a restart and ends at the original deadline', async () => {
    const { a, b, sessionA, sessionB } = await creators();
    const fans = await Promise.all([signup(app), signup(app), signup(app), signup(app)]);
    for (const f of fans) await buyCoins(app, f, 'coins_1400');

    // A viewer in each room, watching their own room's stream topic.
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const ws = `${address.replace('http', 'ws')}/api/v1/ws`;
    const roomA = await connect(ws);
    const roomB = await connect(ws);
    await roomA.next('hello');
    await roomB.next('hello');
    roomA.ws.send(JSON.stringify({ type: 'watch', sessionId: sessionA }));
    roomB.ws.send(JSON.stringify({ type: 'watch', sessionId: sessionB }));
    await roomA.next('watching');
    await roomB.next('watching');

    const battle = await startBattle(a, b, 6);
    expect(battle.sides.map((s) => s.members[0]!.sessionId)).toEqual([sessionA, sessionB]);
    const deadline = battle.endsAt!;

    // Concurrent gifts to both rooms, one of them retried with the same key.
    const retryKey = newKey('retry');
    const sends = [
      sendGift(app, fans[0]!, a.user.handle, { giftId: 'doughnut', quantity: 2 }),
      sendGift(app, fans[1]!, a.user.handle, { giftId: 'rose', quantity: 5 }),
      sendGift(app, fans[2]!, b.user.handle, { giftId: 'finger_heart', quantity: 3 }),
      sendGift(app, fans[3]!, b.user.handle, { giftId: 'rose', idempotencyKey: retryKey }),
      sendGift(app, fans[3]!, b.user.handle, { giftId: 'rose', idempotencyKey: retryKey }),
    ];
    for (const r of await Promise.all(sends)) expect(r.statusCode, r.body).toBe(201);
    const retried = await sendGift(app, fans[3]!, b.user.handle, {
      giftId: 'rose',
      idempotencyKey: retryKey,
    });
    expect(retried.headers['idempotent-replayed']).toBe('true');

    // Both rooms see the score move, each from its own side.
    const seen = async (room: typeof roomA, want: number[]) => {
      for (;;) {
        const f = (await room.next('battle')) as unknown as { battle: Battle };
        if (f.battle.sides.map((s) => s.score).join() === want.join()) return f.battle;
      }
    };
    // A 6 s battle is all speed round (the last 30 s): every coin counts double.
    await seen(roomA, [130, 32]);
    await seen(roomB, [130, 32]);

    // Restart: the app goes away mid-battle; a new one on the same database takes over the deadline.
    await app.close();
    roomA.ws.close();
    roomB.ws.close();
    app = await testApp(database, ENV);
    // A late gift on the other side after the restart flips the winner.
    expect((await sendGift(app, fans[2]!, b.user.handle, { giftId: 'hand_hearts' })).statusCode).toBe(201);

    const ended = await eventually('the battle to end', async () => {
      const current = await battleOf(app, battle.id);
      return current.status === 'ended' ? current : undefined;
    });
    expect(ended.endsAt).toBe(deadline);
    expect(ended.endedAt).toBe(deadline);
    expect(ended.reason).toBe('finished');
    const speedFree = battle.boosts.find((x) => x.kind === 'speed');
    expect(speedFree).toBeDefined();
    // 6 s with a 30 s speed round: every gift doubles, on both sides alike.
    const [sa, sb] = [
      await ledgerSum(database, sessionA, battle.startedAt!, deadline),
      await ledgerSum(database, sessionB, battle.startedAt!, deadline),
    ];
    expect(ended.sides.map((s) => s.score)).toEqual([sa * 2, sb * 2]);
    expect(ended.winner).toBe(1);
    expect(ended.sides[1]!.mvps[0]).toMatchObject({ user: { id: fans[2]!.user.id }, points: (15 + 100) * 2 });
    expect(ended.sides[1]!.winStreak).toBe(1);

    // Leaving twice and gifting after the end: coded errors, nothing changes.
    const leave = await post(app, a, `/battles/${battle.id}/leave`);
    expect([leave.statusCode, leave.json().error.code]).toEqual([409, 'battle.ended']);
    const late = await sendGift(app, fans[0]!, a.user.handle, { giftId: 'galaxy' });
    expect(late.statusCode).toBe(201);
    // The gift was heard (its listeners ran before the reply) and any count it set off is done.
    await app.services.battles.settled();
    expect((await battleOf(app, battle.id)).sides.map((s) => s.score)).toEqual([sa * 2, sb * 2]);

    // Record, history and head-to-head on the profile.
    const history = (
      await app.inject({ url: `/api/v1/users/${b.user.handle}/battles?vs=${a.user.handle}` })
    ).json();
    expect(history.record).toMatchObject({ battles: 1, wins: 1, losses: 0, winStreak: 1, bestStreak: 1 });
    expect(history.headToHead).toMatchObject({ wins: 1, losses: 0, draws: 0 });
    expect(history.battles[0]).toMatchObject({
      id: battle.id,
      result: 'win',
      score: sb * 2,
      opponentScore: sa * 2,
    });

    // Rematch: the same two, again.
    const rematch = await post(app, a, `/battles/${battle.id}/rematch`);
    expect(rematch.statusCode, rematch.body).toBe(201);
    expect(rematch.json()).toMatchObject({ status: 'invited', mode: 'rematch' });
    expect((await post(app, b, `/battles/${rematch.json().id}/decline`)).statusCode).toBe(200);
    await expectLedgerOk(database.db);
  }, 30_000);

  it('gives a forfeit to the creator who stays, and a creator going offline forfeits', async () => {
    const { a, b, sessionA } = await creators();
    const fan = await signup(app);
    await buyCoins(app, fan);
    const battle = await startBattle(a, b, 60);
    expect((await sendGift(app, fan, a.user.handle, { giftId: 'doughnut' })).statusCode).toBe(201);
    const left = await post(app, a, `/battles/${battle.id}/leave`);
    expect(left.json()).toMatchObject({
      status: 'ended',
      reason: 'forfeit',
      winner: 1,
      forfeitBy: a.user.id,
    });
    expect(left.json().sides[0].score).toBeGreaterThanOrEqual(30);
    const twice = await post(app, a, `/battles/${battle.id}/leave`);
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'battle.ended']);

    const second = await startBattle(a, b, 60);
    await endLive(app, sessionA);
    const ended = await battleOf(app, second.id);
    expect(ended).toMatchObject({ status: 'ended', reason: 'forfeit', winner: 1 });
    const record = (await app.inject({ url: `/api/v1/users/${b.user.handle}/battles` })).json().record;
    expect(record).toMatchObject({ battles: 2, wins: 2, winStreak: 2, bestStreak: 2 });
  });

  it('quick-matches waiting creators, honouring friends-only', async () => {
    const { a, b } = await creators();
    const first = await post(app, a, '/battles/match', { friendsOnly: true, durationS: 30 });
    expect(first.json()).toEqual({ status: 'waiting', battle: null });
    // b does not know a: a friends-only request is not theirs to take.
    const notFriends = await post(app, b, '/battles/match', {});
    expect(notFriends.json().status).toBe('waiting');
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/battles/match', headers: b.auth })).json(),
    ).toEqual({
      left: true,
    });
    await app.inject({ method: 'PUT', url: `/api/v1/users/${a.user.handle}/follow`, headers: b.auth });
    await app.inject({ method: 'PUT', url: `/api/v1/users/${b.user.handle}/follow`, headers: a.auth });
    const matched = await post(app, b, '/battles/match', {});
    expect(matched.json()).toMatchObject({
      status: 'matched',
      battle: { mode: 'match', status: 'connecting' },
    });
    expect(matched.json().battle.sides[0].members[0].id).toBe(a.user.id);
    const again = await post(app, a, '/battles/match', {});
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'battle.busy']);
    await post(app, a, `/battles/${matched.json().battle.id}/leave`);
  });

  it('applies boosters: multiplier windows, time extensions (3 at most) and a mist the other room cannot see through', async () => {
    const { a, b, sessionA, sessionB } = await creators();
    const fan = await signup(app);
    await buyCoins(app, fan, 'coins_7000');
    const battle = await startBattle(a, b, 60);
    // Four extensions: only three count.
    for (let i = 0; i < 4; i++)
      expect((await sendGift(app, fan, a.user.handle, { giftId: 'hat_and_mustache' })).statusCode).toBe(201);
    expect((await sendGift(app, fan, a.user.handle, { giftId: 'money_gun' })).statusCode).toBe(201);
    expect((await sendGift(app, fan, a.user.handle, { giftId: 'rose', quantity: 10 })).statusCode).toBe(201);
    expect((await sendGift(app, fan, b.user.handle, { giftId: 'perfume' })).statusCode).toBe(201);

    const live = await eventually('the boosts to count', async () => {
      const current = await battleOf(app, battle.id);
      return current.boosts.some((x) => x.kind === 'mist') ? current : undefined;
    });
    expect(live.extensions).toBe(3);
    expect(Date.parse(live.endsAt!) - Date.parse(battle.endsAt!)).toBe(30_000);
    const multiplier = live.boosts.find((x) => x.kind === 'multiplier')!;
    expect([2, 3, 5]).toContain(multiplier.factor);
    // 4 × 99 unboosted, the money gun itself unboosted, then 10 roses × the multiplier.
    expect(
      await eventually('side A', async () => {
        const s = (await battleOf(app, battle.id)).sides[0]!.score;
        return s === 4 * 99 + 500 + 10 * multiplier.factor ? s : undefined;
      }),
    ).toBe(4 * 99 + 500 + 10 * multiplier.factor);

    // B's mist: room A sees "?" for B, room B sees its own score; B's room sees A as usual.
    const inA = (await app.inject({ url: `/api/v1/sessions/${sessionA}/battle` })).json().battle as Battle;
    const inB = (await app.inject({ url: `/api/v1/sessions/${sessionB}/battle` })).json().battle as Battle;
    expect(inA.sides[1]!.score).toBeNull();
    expect(inB.sides[1]!.score).toBe(20);
    expect(inB.sides[0]!.score).toBe(4 * 99 + 500 + 10 * multiplier.factor);

    // The forfeit's final count comes from the ledger and agrees with the live one.
    const left = await post(app, b, `/battles/${battle.id}/leave`);
    expect(left.json().sides.map((s: { score: number }) => s.score)).toEqual([
      4 * 99 + 500 + 10 * multiplier.factor,
      20,
    ]);
  });
});
