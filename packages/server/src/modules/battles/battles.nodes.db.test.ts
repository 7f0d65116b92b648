import type { Battle } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { type Nodes, twoNodeBackends } from '../../test/nodes.ts';
import { connect } from '../../test/ws-client.ts';
import { buyCoins, expectLedgerOk, goLive, sendGift } from '../economy/testing.ts';
import { BATTLES_TOPIC, type BattleChange } from './battles.config.ts';

const ENV = { BATTLE_CONNECT_S: '0', BATTLE_RESULT_S: '0', BATTLE_TICK_MS: '50', BATTLE_SETTLE_MS: '100' };

const database = testDatabases().at(-1)!;

describe.each(twoNodeBackends())('a battle across two nodes ($name bus)', (backend) => {
  let db: TestDatabaseHandle;
  let nodeA: FastifyInstance;
  let nodeB: FastifyInstance;
  let nodes: Nodes;

  beforeAll(async () => {
    db = await database.create();
    nodes = backend.make();
    // Both nodes run the deadline worker: SKIP LOCKED decides who runs each deadline.
    nodeA = await testApp(db, ENV, undefined, nodes.buses[0]);
    nodeB = await testApp(db, ENV, undefined, nodes.buses[1]);
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await nodes?.close();
    await db?.drop();
  });

  it('counts gifts committed on either node, shows both rooms the same score, and ends on the surviving node', async () => {
    const a = await signup(nodeA);
    const b = await signup(nodeA);
    const sessionA = await goLive(nodeA, a);
    const sessionB = await goLive(nodeA, b);
    const fans = await Promise.all([signup(nodeA), signup(nodeA)]);
    for (const f of fans) await buyCoins(nodeA, f, 'coins_1400');

    const wsB = `${(await nodeB.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/api/v1/ws`;
    const roomA = await connect(wsB);
    const roomB = await connect(wsB);
    await roomA.next('hello');
    await roomB.next('hello');
    roomA.ws.send(JSON.stringify({ type: 'watch', sessionId: sessionA }));
    roomB.ws.send(JSON.stringify({ type: 'watch', sessionId: sessionB }));
    await roomA.next('watching');
    await roomB.next('watching');
    // What node A hears of battles, on its own bus: its battles service hears the same, in the same order.
    const heardOnA: BattleChange[] = [];
    const offA = await nodes.buses[0].subscribe(BATTLES_TOPIC, (m) => heardOnA.push(m as BattleChange));

    const invited = await nodeA.inject({
      method: 'POST',
      url: '/api/v1/battles/invites',
      headers: a.auth,
      payload: { handle: b.user.handle, durationS: 6, resultS: 0 },
    });
    const id = invited.json().id as string;
    expect(
      (await nodeB.inject({ method: 'POST', url: `/api/v1/battles/${id}/accept`, headers: b.auth }))
        .statusCode,
    ).toBe(200);
    const battle = await eventually('the battle to start', async () => {
      const current: Battle = (await nodeB.inject({ url: `/api/v1/battles/${id}` })).json();
      return current.status === 'active' && current;
    });
    // Node A must know the battle is on before gifts committed there can count live (the bus carries it).
    await eventually('node A to hear the battle is on', () =>
      heardOnA.some((c) => c.battleId === id && c.status === 'active'),
    );
    await offA();

    // Side A's gifts commit on node A, side B's on node B, at the same time.
    const sends = await Promise.all([
      sendGift(nodeA, fans[0]!, a.user.handle, { giftId: 'doughnut' }),
      sendGift(nodeA, fans[0]!, a.user.handle, { giftId: 'rose', quantity: 3 }),
      sendGift(nodeB, fans[1]!, b.user.handle, { giftId: 'finger_heart', quantity: 2 }),
      sendGift(nodeB, fans[1]!, b.user.handle, { giftId: 'rose' }),
    ]);
    for (const r of sends) expect(r.statusCode, r.body).toBe(201);
    // Every coin doubles in a 6 s battle (all speed round).
    const want = [(30 + 3) * 2, (10 + 1) * 2].join();
    for (const room of [roomA, roomB])
      for (;;) {
        const f = (await room.next('battle')) as unknown as { battle: Battle };
        if (f.battle.sides.map((s) => s.score).join() === want) break;
      }

    // Node A goes away mid-battle; node B's worker ends it at the original deadline.
    await nodeA.close();
    expect((await sendGift(nodeB, fans[0]!, a.user.handle, { giftId: 'hand_hearts' })).statusCode).toBe(201);
    const ended = await eventually('node B to end the battle', async () => {
      const current: Battle = (await nodeB.inject({ url: `/api/v1/battles/${id}` })).json();
      return current.status === 'ended' && current;
    });
    expect(ended.endedAt).toBe(battle.endsAt);
    expect(ended.sides.map((s) => s.score)).toEqual([(30 + 3 + 100) * 2, (10 + 1) * 2]);
    expect(ended.winner).toBe(0);
    roomA.ws.close();
    roomB.ws.close();
    await expectLedgerOk(db.db);
  }, 30_000);
});
