import { FAN_CLUB_GIFT_ID, FAN_SPOTLIGHT_LEVEL } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { connect, type Frame } from '../../test/ws-client.ts';
import { buyCoins, goLive, sendGift, type TestUser } from '../economy/testing.ts';

type Client = Awaited<ReturnType<typeof connect>>;

/** Every batch a client receives, kept for assertions over the run. */
function batches(client: Client) {
  const seen: Frame[] = [];
  client.ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as Frame;
    if (f.type === 'batch') seen.push(f);
  });
  return seen;
}

describe.each(testDatabases())('fan badges over the gateway on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let url: string;
  let creator: TestUser;
  let fan: TestUser;
  let sessionId: string;
  const clients: Client[] = [];

  const points = async () =>
    (await app.inject({ url: `/api/v1/users/${creator.user.handle}/fan-club`, headers: fan.auth })).json().me
      ?.points as number | undefined;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    const addr = await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${addr.replace('http', 'ws')}/api/v1/ws`;
    creator = await signup(app, 'fw_creator');
    fan = await signup(app, 'fw_fan');
    sessionId = await goLive(app, creator);
    await buyCoins(app, fan, 'coins_70');
    expect(
      (await sendGift(app, fan, 'fw_creator', { giftId: FAN_CLUB_GIFT_ID, quantity: 1 })).statusCode,
    ).toBe(201);
    await eventually('the fan joined', async () => (await points()) === 1);
  });
  afterAll(async () => {
    for (const c of clients) c.ws.close();
    await app?.close();
    await database?.drop();
  });

  it('shows a high-level member entering with a spotlight, and their badge beside each comment', async () => {
    await database.db
      .updateTable('fanMemberships')
      .set({ level: FAN_SPOTLIGHT_LEVEL })
      .where('fanId', '=', fan.user.id)
      .execute();
    await app.services.fanClub.setFansOnly(creator.user.id, false); // drops the cached badges

    const host = await connect(url, creator.auth);
    clients.push(host);
    const seen = batches(host);
    host.ws.send(JSON.stringify({ type: 'join', room: sessionId }));
    await host.next('joined');

    const viewer = await connect(url, fan.auth);
    clients.push(viewer);
    viewer.ws.send(JSON.stringify({ type: 'join', room: sessionId }));
    await viewer.next('joined');
    const entrance = await eventually('the fan entrance', () =>
      seen.flatMap((b) => (b.fanJoins as unknown[] | undefined) ?? []).at(0),
    );
    expect(entrance).toEqual({
      name: 'fw_fan',
      fan: { name: 'fw_creat', level: FAN_SPOTLIGHT_LEVEL },
      spotlight: true,
    });

    const before = (await points()) ?? 0;
    viewer.ws.send(
      JSON.stringify({ type: 'comment', room: sessionId, text: 'hi from the club', nonce: 'c1' }),
    );
    expect((await viewer.next('ack|error')).type).toBe('ack');
    const comment = await eventually('the comment with its badge', () =>
      seen
        .flatMap((b) => b.events as { kind: string; comment?: { text: string; user: { fan?: unknown } } }[])
        .find((e) => e.kind === 'comment' && e.comment?.text === 'hi from the club'),
    );
    expect(comment.comment?.user.fan).toEqual({ name: 'fw_creat', level: FAN_SPOTLIGHT_LEVEL });
    // The comment the room log numbered is the mission: one point, from the server's own record.
    await eventually('the comment point', async () => (await points()) === before + 1);
  });

  it('refuses a forged mission frame and grants nothing for it', async () => {
    const before = await points();
    const viewer = await connect(url, fan.auth);
    clients.push(viewer);
    viewer.ws.send(JSON.stringify({ type: 'mission', mission: 'watch30', room: sessionId, nonce: 'm1' }));
    const error = await viewer.next('error');
    expect(error.code).toBe('request.invalid');
    expect(await points()).toBe(before);
  });
});
