import { EventKind } from '@onair/core';
import { ClientFrame, FAN_CLUB_GIFT_ID } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { buyCoins, expectLedgerOk, goLive, sendGift, type TestUser, wallet } from '../economy/testing.ts';
import { reconcileGifts } from './gift-reconcile.ts';
import { awardWatchMarks } from './watch-missions.ts';

const club = (app: FastifyInstance, handle: string, who?: TestUser) =>
  app
    .inject({ url: `/api/v1/users/${handle}/fan-club`, ...(who ? { headers: who.auth } : {}) })
    .then((r) => r.json());

describe.each(testDatabases())('fan clubs on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: TestUser;
  let fan: TestUser;
  let stranger: TestUser;
  let sessionId: string;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    creator = await signup(app, 'fc_creator');
    fan = await signup(app, 'fc_fan');
    stranger = await signup(app, 'fc_stranger');
    sessionId = await goLive(app, creator);
    await buyCoins(app, fan, 'coins_700');
    await buyCoins(app, creator, 'coins_70');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('joins by the club gift, follows the creator and counts the coin as gift points', async () => {
    const res = await sendGift(app, fan, 'fc_creator', { giftId: FAN_CLUB_GIFT_ID, quantity: 1 });
    expect(res.statusCode, res.body).toBe(201);
    const info = await eventually('the fan is a member', async () => {
      const c = await club(app, 'fc_creator', fan);
      return c.me?.points === 1 ? c : null;
    });
    expect(info).toMatchObject({ badgeName: 'fc_creat', members: 1, me: { level: 1, points: 1 } });
    const follow = (await app.inject({ url: '/api/v1/users/fc_creator/follow', headers: fan.auth })).json();
    expect(follow.following ?? follow.state?.following ?? follow).toBeTruthy();
    const row = await database.db
      .selectFrom('follows')
      .selectAll()
      .where('followerId', '=', fan.user.id)
      .where('creatorId', '=', creator.user.id)
      .executeTakeFirst();
    expect(row).toBeDefined();
  });

  it('a second club gift is only a gift: no second join, one more point', async () => {
    const before = await club(app, 'fc_creator', fan);
    const res = await sendGift(app, fan, 'fc_creator', { giftId: FAN_CLUB_GIFT_ID, quantity: 1 });
    expect(res.statusCode, res.body).toBe(201);
    const after = await eventually('the gift point', async () => {
      const c = await club(app, 'fc_creator', fan);
      return c.me?.points === 2 ? c : null;
    });
    expect(after.members).toBe(1);
    expect(after.me.joinedAt).toBe(before.me.joinedAt);
  });

  it('refuses joining your own club with a coded error, before any coin moves', async () => {
    const before = await wallet(app, creator);
    const res = await sendGift(app, creator, 'fc_creator', { giftId: FAN_CLUB_GIFT_ID, quantity: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('fanclub.own_club');
    expect(await wallet(app, creator)).toEqual(before);
    expect((await club(app, 'fc_creator', creator)).me).toBeNull();
    await expectLedgerOk(database.db);
  });

  it('holds the daily cap when many events for one member arrive at once', async () => {
    const { fanMissions } = app.services;
    const at = new Date();
    const before = (await club(app, 'fc_creator', fan)).me.points as number;
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        fanMissions.grant({
          creatorId: creator.user.id,
          fanId: fan.user.id,
          mission: 'comment',
          quantity: 1,
          source: `comment:test-${i}`,
          at,
        }),
      ),
    );
    const granted = outcomes.reduce((n, o) => n + (o.kind === 'granted' ? o.points : 0), 0);
    expect(granted).toBe(10);
    expect((await club(app, 'fc_creator', fan)).me.points).toBe(before + 10);
    // The same source again counts nothing, whatever the cap.
    const again = await fanMissions.grant({
      creatorId: creator.user.id,
      fanId: fan.user.id,
      mission: 'share',
      quantity: 1,
      source: 'comment:test-0',
      at,
    });
    expect(again.kind).toBe('replayed');
    // A non-member earns nothing.
    const stray = await fanMissions.grant({
      creatorId: creator.user.id,
      fanId: stranger.user.id,
      mission: 'share',
      quantity: 1,
      source: 'share:x',
      at,
    });
    expect(stray.kind).toBe('not_member');
  });

  it('has no frame or route by which a client could report a mission', async () => {
    expect(ClientFrame.safeParse({ type: 'mission', mission: 'watch30', room: sessionId }).success).toBe(
      false,
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users/fc_creator/fan-club/missions',
      headers: fan.auth,
      payload: { mission: 'watch30' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('grants watch marks from the recorded views, once per LIVE', async () => {
    // Going LIVE scheduled the session's watch job.
    expect(await app.services.jobs.find('fanclub.watch', sessionId)).toBeDefined();
    const start = Date.now() - 16 * 60_000;
    await database.db
      .insertInto('metricEvents')
      .values({ sessionId, viewerId: fan.user.id, kind: EventKind.viewStart, at: new Date(start), value: 1 })
      .execute();
    await sql`update live_sessions set live_at = ${new Date(start - 1000)} where id = ${sessionId}`.execute(
      database.db,
    );
    const before = (await club(app, 'fc_creator', fan)).me.points as number;
    const pass = () =>
      database.db
        .transaction()
        .execute((trx) => awardWatchMarks(app.services.fanMissions, trx, sessionId, Date.now()));
    // The fan joined a moment ago: the 16 minutes watched before that are not a member's mission.
    expect((await pass()).granted).toBe(0);
    await database.db
      .updateTable('fanMemberships')
      .set({ joinedAt: new Date(start - 60_000) })
      .where('fanId', '=', fan.user.id)
      .execute();
    const first = await database.db
      .transaction()
      .execute((trx) => awardWatchMarks(app.services.fanMissions, trx, sessionId, Date.now()));
    expect(first).toMatchObject({ live: true, granted: 5 + 10 });
    const second = await database.db
      .transaction()
      .execute((trx) => awardWatchMarks(app.services.fanMissions, trx, sessionId, Date.now()));
    expect(second.granted).toBe(0);
    expect((await club(app, 'fc_creator', fan)).me.points).toBe(before + 15);
  });

  it("repairs a club gift whose join was lost after the commit, from the ledger's rows", async () => {
    const late = await signup(app, 'fc_late');
    await buyCoins(app, late, 'coins_70');
    expect(
      (await sendGift(app, late, 'fc_creator', { giftId: FAN_CLUB_GIFT_ID, quantity: 1 })).statusCode,
    ).toBe(201);
    await eventually(
      'the late fan joined',
      async () => (await club(app, 'fc_creator', late)).me?.points === 1,
    );
    // As if the node had died between the gift's commit and the listener: no membership, no points.
    await database.db.deleteFrom('fanMemberships').where('fanId', '=', late.user.id).execute();
    await app.services.fanClub.setFansOnly(creator.user.id, false); // drops the cached badges
    expect((await club(app, 'fc_creator', late)).me).toBeNull();

    const repair = () =>
      database.db
        .transaction()
        .execute((trx) =>
          reconcileGifts(
            trx,
            app.services.fanMissions,
            sessionId,
            creator.user.id,
            Date.now() - 60_000,
            Date.now() + 1000,
          ),
        );
    expect(await repair()).toEqual([late.user.id]);
    expect(await repair()).toEqual([]);
    const me = (await club(app, 'fc_creator', late)).me;
    expect(me).toMatchObject({ points: 1, level: 1 });
    // Gifts the listener already counted are left alone.
    expect((await club(app, 'fc_creator', fan)).me.points).toBeGreaterThan(1);
  });

  it('fans-only chat refuses a non-member comment with a coded error and lets members speak', async () => {
    const { chat } = app.services;
    const stranger403 = await app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${sessionId}/fans-only`,
      headers: stranger.auth,
      payload: { fansOnly: true },
    });
    expect(stranger403.statusCode).toBe(403);
    const on = await app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${sessionId}/fans-only`,
      headers: creator.auth,
      payload: { fansOnly: true },
    });
    expect(on.statusCode, on.body).toBe(200);
    await expect(
      chat.postComment({ id: stranger.user.id, role: 'viewer' }, sessionId, 'let me in'),
    ).rejects.toMatchObject({ code: 'chat.fans_only', status: 403 });
    const posted = await chat.postComment({ id: fan.user.id, role: 'viewer' }, sessionId, 'member here');
    await posted.stored;
    const history = (await app.inject(`/api/v1/sessions/${sessionId}/comments`)).json();
    expect(history.comments.map((c: { text: string }) => c.text)).toEqual(['member here']);
    expect(history.comments[0].user.fan).toEqual({ name: 'fc_creat', level: 1 });
    await app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${sessionId}/fans-only`,
      headers: creator.auth,
      payload: { fansOnly: false },
    });
    await chat.postComment({ id: stranger.user.id, role: 'viewer' }, sessionId, 'now I can');
  });

  it('refuses bad badge names with a coded 400 and keeps the old one', async () => {
    const patch = (badgeName: string) =>
      app.inject({
        method: 'PATCH',
        url: '/api/v1/me/fan-club',
        headers: creator.auth,
        payload: { badgeName },
      });
    for (const bad of ['NineChars', 'a\u0007b', '   ', 'ab\u202ecd', 'x\u200by']) {
      const res = await patch(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe('fanclub.badge_invalid');
    }
    expect((await club(app, 'fc_creator')).badgeName).toBe('fc_creat');
    const ok = await patch(' Hearts💗 ');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().badgeName).toBe('Hearts💗');
    const viewer = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me/fan-club',
      headers: stranger.auth,
      payload: { badgeName: 'Mine' },
    });
    expect(viewer.statusCode).toBe(403);
  });

  it("lists the creator's fans with levels and activity, and exports them as CSV", async () => {
    const list = await app.inject({ url: '/api/v1/studio/fans', headers: creator.auth });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject({ total: 2, active: 2, badgeName: 'Hearts💗' });
    expect(list.json().members[0]).toMatchObject({ user: { handle: 'fc_fan' }, level: 1, active: true });
    const csv = await app.inject({
      url: '/api/v1/studio/fans.csv?columns=handle,level,active',
      headers: creator.auth,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe('handle,level,active\r\nfc_fan,1,true\r\nfc_late,1,true\r\n');
    const bad = await app.inject({ url: '/api/v1/studio/fans.csv?columns=secret', headers: creator.auth });
    expect(bad.json().error.code).toBe('studio.csv_invalid');
    expect((await app.inject({ url: '/api/v1/studio/fans', headers: fan.auth })).statusCode).toBe(403);
  });
});
