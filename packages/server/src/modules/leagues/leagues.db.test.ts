import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, endLive, goLive, sendGift, type TestUser } from '../economy/testing.ts';
import { ANNOUNCE_DELAY_MS } from './league-membership.ts';
import { LEAGUE_SETTLE_JOB } from './league-settlement.ts';
import { leagueWeekStatus } from './league-status.read-model.ts';

// No worker loop: the test runs due jobs itself. Groups of 3, one up and one down each.
const ENV = {
  TEST_CLOCK: 'on',
  ROLES: 'api,gateway,media',
  LEAGUE_GROUP_SIZE: '3',
  LEAGUE_PROMOTE: '1',
  LEAGUE_RELEGATE: '1',
};
const DAY = 86_400_000;

describe.each(testDatabases())('leagues over a scripted month on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  const creators: TestUser[] = [];
  let fan: TestUser;
  let viewer: TestUser;
  const sessions = new Map<string, string>();

  const memberships = (periodKey: string) =>
    database.db
      .selectFrom('leagueMemberships')
      .selectAll()
      .where('periodKey', '=', periodKey)
      .orderBy('creatorId')
      .execute();
  const groupSizes = async (periodKey: string) =>
    (
      await database.db
        .selectFrom('leagueMemberships')
        .select(['tier', 'groupNo', (eb) => eb.fn.countAll<number>().as('n')])
        .where('periodKey', '=', periodKey)
        .groupBy(['tier', 'groupNo'])
        .orderBy('tier')
        .orderBy('groupNo')
        .execute()
    ).map((g) => `${g.tier}#${g.groupNo}:${Number(g.n)}`);

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'lg_admin');
    for (let i = 0; i < 7; i++) creators.push(await signup(app, `lg_c${i}`));
    fan = await signup(app, 'lg_fan');
    viewer = await signup(app, 'lg_viewer');
    await buyCoins(app, fan, 'coins_7000');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('places each creator at D5 at their first LIVE, in groups of at most 3', async () => {
    for (const c of creators) sessions.set(c.user.id, await goLive(app, c));
    const period = await database.db.selectFrom('leaguePeriods').selectAll().executeTakeFirstOrThrow();
    expect(period.status).toBe('open');
    const rows = await memberships(period.key);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['D5']));
    // Late joiners fill the smallest group with room: 3 + 3 + 1.
    expect((await groupSizes(period.key)).map((g) => g.split(':')[1]).sort()).toEqual(['1', '3', '3']);
    // The period's end is a durable job.
    const job = await app.services.jobs.find(LEAGUE_SETTLE_JOB, period.key);
    expect(job?.runAt.getTime()).toBe(period.endsAt.getTime());
    // Going LIVE again does not place anyone twice.
    await endLive(app, sessions.get(creators[0]!.user.id)!);
    sessions.set(creators[0]!.user.id, await goLive(app, creators[0]!));
    expect(await memberships(period.key)).toHaveLength(7);
  });

  it('ranks a group live on the diamonds earned so far', async () => {
    // Different amounts for everybody so each group has one clear top.
    for (const [i, c] of creators.entries()) {
      const res = await sendGift(app, fan, c.user.handle, { giftId: 'rose', quantity: (i + 1) * 3 });
      expect(res.statusCode, res.body).toBe(201);
    }
    const page = (await app.inject({ url: '/api/v1/leagues/me', headers: creators[6]!.auth })).json();
    expect(page.current.tier).toBe('D5');
    expect(page.current.points).toBeGreaterThan(0);
    const standings = page.current.standings as { rank: number; points: number; move: string }[];
    expect(standings.map((s) => s.rank)).toEqual(standings.map((_, i) => i + 1));
    const points = standings.map((s) => s.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
    // D5 is the floor: nobody would go down from it, the top (with points) would go up.
    expect(standings.filter((s) => s.move === 'down')).toEqual([]);
    expect(standings[0]!.move).toBe('up');
    expect(page.history).toEqual([]);
    // The public page of the same creator, and a viewer who never went LIVE.
    const pub = (await app.inject(`/api/v1/leagues/${creators[6]!.user.handle}`)).json();
    expect(pub.current.standings).toEqual(page.current.standings);
    const none = (await app.inject({ url: '/api/v1/leagues/me', headers: viewer.auth })).json();
    expect(none).toMatchObject({ current: null, bestTier: null, history: [] });
  });

  it('shows the tier as a badge on the room and the profile, and on nobody outside the league', async () => {
    const h = creators[2]!.user.handle;
    expect((await app.inject(`/api/v1/rooms/${h}`)).json().creator.league).toEqual({ tier: 'D5' });
    expect((await app.inject(`/api/v1/users/${h}`)).json().league).toEqual({ tier: 'D5' });
    expect((await app.inject(`/api/v1/users/${viewer.user.handle}`)).json().league).toBeUndefined();
  });

  it('refuses to settle a period that has not ended, with a code and no change', async () => {
    const period = await database.db.selectFrom('leaguePeriods').selectAll().executeTakeFirstOrThrow();
    await expect(app.services.leagues.settlePeriod(period.key)).rejects.toMatchObject({
      code: 'league.period_not_ended',
      status: 409,
    });
    await expect(app.services.leagues.settlePeriod('1999-01')).rejects.toMatchObject({
      code: 'league.period_not_found',
      status: 404,
    });
    expect((await memberships(period.key)).every((m) => m.settledAt === null)).toBe(true);
    await app.services.jobs.runDue();
    const after = await database.db.selectFrom('leaguePeriods').selectAll().execute();
    expect(after.map((p) => p.status)).toEqual(['open']);
  });

  it('promotes the top of each group at the period end, once, keeping everyone', async () => {
    for (const s of sessions.values()) await endLive(app, s);
    const first = await database.db.selectFrom('leaguePeriods').selectAll().executeTakeFirstOrThrow();
    app.services.testClock!.advance(first.endsAt.getTime() - app.services.testClock!.now() + 60_000);
    await app.services.jobs.runDue();

    const periods = await database.db.selectFrom('leaguePeriods').selectAll().orderBy('startsAt').execute();
    expect(periods.map((p) => p.status)).toEqual(['settled', 'open']);
    expect(periods[1]!.startsAt.getTime()).toBe(first.endsAt.getTime());
    const settled = await memberships(first.key);
    // Each group's top earner (every creator earned something) goes up: three groups, three promotions.
    const up = settled.filter((m) => m.movement === 'up');
    expect(up).toHaveLength(3);
    for (const m of up) {
      expect(m.rank).toBe(1);
      expect(m.nextTier).toBe('D4');
    }
    for (const m of settled) expect(m.points).toBeGreaterThan(0);
    const next = await memberships(periods[1]!.key);
    expect(next).toHaveLength(7);
    expect(
      next
        .filter((m) => m.tier === 'D4')
        .map((m) => m.creatorId)
        .sort(),
    ).toEqual(up.map((m) => m.creatorId).sort());
    // 3 at D4 make one group of 3; 4 at D5 make two groups of 2.
    expect(await groupSizes(periods[1]!.key)).toEqual(['D4#0:3', 'D5#0:2', 'D5#1:2']);
    const best = await database.db.selectFrom('leagueCreators').selectAll().execute();
    expect(best.filter((b) => b.bestTier === 'D4')).toHaveLength(3);

    // Settling again (by hand, or the job run twice) moves nobody a second time.
    const before = JSON.stringify(await memberships(first.key));
    await app.services.leagues.settlePeriod(first.key);
    await app.services.jobs.runDue();
    expect(JSON.stringify(await memberships(first.key))).toBe(before);
    expect(await memberships(periods[1]!.key)).toHaveLength(7);
    expect((await database.db.selectFrom('leaguePeriods').select('key').execute()).length).toBe(2);
  });

  it('announces a promotion in the room at the next LIVE start, once', async () => {
    const promoted = await database.db
      .selectFrom('leagueMemberships')
      .select('creatorId')
      .where('movement', '=', 'up')
      .executeTakeFirstOrThrow();
    const creator = creators.find((c) => c.user.id === promoted.creatorId)!;
    const session = await goLive(app, creator);
    // Told a few seconds in, once the first viewers have arrived: a job on the server's clock.
    expect(((await app.services.roomLog.since(session, 0)) ?? []).filter((e) => e.kind === 'league')).toEqual(
      [],
    );
    app.services.testClock!.advance(ANNOUNCE_DELAY_MS);
    await app.services.jobs.runDue();
    const events = (await app.services.roomLog.since(session, 0)) ?? [];
    const notices = events.filter((e) => e.kind === 'league');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      from: 'D5',
      tier: 'D4',
      user: { id: creator.user.id, badge: 'host' },
    });
    expect((await app.inject(`/api/v1/rooms/${creator.user.handle}`)).json().creator.league).toEqual({
      tier: 'D4',
    });
    await endLive(app, session);
    const again = await goLive(app, creator);
    app.services.testClock!.advance(ANNOUNCE_DELAY_MS);
    await app.services.jobs.runDue();
    expect(((await app.services.roomLog.since(again, 0)) ?? []).filter((e) => e.kind === 'league')).toEqual(
      [],
    );
    await endLive(app, again);
    // The league page has the settled period in its history.
    const page = (await app.inject({ url: '/api/v1/leagues/me', headers: creator.auth })).json();
    expect(page.current.tier).toBe('D4');
    expect(page.bestTier).toBe('D4');
    expect(page.history[0]).toMatchObject({ tier: 'D5', rank: 1, move: 'up', nextTier: 'D4' });
  });

  it('relegates the bottom of a quiet group next period and keeps group sizes', async () => {
    const second = await database.db
      .selectFrom('leaguePeriods')
      .selectAll()
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    app.services.testClock!.advance(second.endsAt.getTime() - app.services.testClock!.now() + DAY);
    await app.services.jobs.runDue();
    const rows = await memberships(second.key);
    // Nobody earned in the second period: nobody goes up (minimum 1 point), one goes down from D4.
    expect(rows.filter((m) => m.movement === 'up')).toEqual([]);
    const down = rows.filter((m) => m.movement === 'down');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ tier: 'D4', nextTier: 'D5', rank: 3 });
    const third = await database.db
      .selectFrom('leaguePeriods')
      .select('key')
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const next = await memberships(third.key);
    expect(next).toHaveLength(7);
    expect(next.filter((m) => m.tier === 'D4')).toHaveLength(2);
    // The best tier stays the best ever reached.
    const best = await database.db
      .selectFrom('leagueCreators')
      .select('bestTier')
      .where('creatorId', '=', down[0]!.creatorId)
      .executeTakeFirstOrThrow();
    expect(best.bestTier).toBe('D4');
  });

  it('answers the weekly LIVE Rewards question for many creators in one call', async () => {
    const [p1, p2, p3] = await database.db
      .selectFrom('leaguePeriods')
      .selectAll()
      .orderBy('startsAt')
      .execute();
    const settled = await memberships(p1!.key);
    const promoted = settled.filter((m) => m.movement === 'up').map((m) => m.creatorId);
    const stayed = settled.filter((m) => m.movement !== 'up').map((m) => m.creatorId);
    const relegated = (await memberships(p2!.key)).find((m) => m.movement === 'down')!.creatorId;
    const stranger = '00000000-0000-4000-8000-000000000000';
    const all = [...creators.map((c) => c.user.id), stranger];
    const week = (from: number) =>
      leagueWeekStatus(database.db, all, new Date(from), new Date(from + 7 * DAY));

    const before = await week(p1!.startsAt.getTime() - 8 * DAY);
    expect(new Set([...before.values()].map((s) => `${s.current}/${s.bestBefore}`))).toEqual(
      new Set(['D5/D5']),
    );
    expect(before.size).toBe(8);

    // The week the promotion takes effect is a new high; the weeks after it keep it.
    const straddling = await week(p2!.startsAt.getTime() - 2 * DAY);
    for (const id of promoted) expect(straddling.get(id)).toEqual({ current: 'D4', bestBefore: 'D5' });
    for (const id of stayed) expect(straddling.get(id)).toEqual({ current: 'D5', bestBefore: 'D5' });
    const inside = await week(p2!.startsAt.getTime() + 7 * DAY);
    for (const id of promoted) expect(inside.get(id)).toEqual({ current: 'D4', bestBefore: 'D4' });
    const relegation = await week(p3!.startsAt.getTime() - DAY);
    expect(relegation.get(relegated)).toEqual({ current: 'D5', bestBefore: 'D4' });
    expect(relegation.get(stranger)).toEqual({ current: 'D5', bestBefore: 'D5' });
  });
});
