import { fanLevel, periodAt } from '@onair/core';
import { FAN_CLUB_GIFT_ID, type LeagueView, type StudioRewards } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { eventually } from '../../test/eventually.ts';
import { buyCoins, endLive, expectLedgerOk, goLive, sendGift, type TestUser } from '../economy/testing.ts';

const MIN = 60_000;
const ZONE = 'Europe/London';
// No worker loop: the test moves the clock and runs due jobs itself. Groups of 3, one up, one down.
const ENV = {
  TEST_CLOCK: 'on',
  ROLES: 'api,gateway,media',
  LEAGUE_GROUP_SIZE: '3',
  LEAGUE_PROMOTE: '1',
  LEAGUE_RELEGATE: '1',
  LEAGUE_TIME_ZONE: ZONE,
  REWARDS_TIME_ZONE: ZONE,
  FAN_CLUB_TIME_ZONE: ZONE,
};

/** When the London week (Monday midnight) or month holding `ms` ends: core's own periods. */
const nextBoundary = (ms: number, unit: 'week' | 'month') =>
  periodAt(ms, { kind: unit === 'week' ? 'weekly' : 'monthly' }, ZONE).end;

/**
 * A month of a small platform, end to end through the HTTP API and the durable jobs: three creators
 * go LIVE, fans join a club with its gift and send gifts, LIVEs end and are paid their bonus, weeks
 * end and are paid theirs (active fans and league progress included), the month ends and the league
 * promotes its best earner, whose week then meets the new-highest-league mission. The ledger
 * balances throughout.
 */
describe.each(testDatabases())('a scripted month of rewards, leagues and fan clubs on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let star: TestUser;
  let mid: TestUser;
  let quiet: TestUser;
  let whale: TestUser;
  const fans: TestUser[] = [];

  const now = () => app.services.testClock!.now();
  const moveTo = (ms: number) => app.services.testClock!.advance(ms - now());
  /** Runs due jobs until `check` holds (a settlement may take several runs). */
  const settle = <T>(what: string, check: () => Promise<T | null | undefined | false>) =>
    eventually(what, async () => {
      await app.services.jobs.runDue();
      return check();
    });
  const rewardsOf = async (who: TestUser) =>
    (await app.inject({ url: '/api/v1/studio/rewards', headers: who.auth })).json() as StudioRewards;
  const leagueOf = async (who: TestUser) =>
    (await app.inject({ url: `/api/v1/leagues/${who.user.handle}` })).json() as LeagueView;
  const clubOf = async (creator: TestUser, who: TestUser) =>
    (await app.inject({ url: `/api/v1/users/${creator.user.handle}/fan-club`, headers: who.auth })).json();

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'mo_admin');
    star = await signup(app, 'mo_star');
    mid = await signup(app, 'mo_mid');
    quiet = await signup(app, 'mo_quiet');
    whale = await signup(app, 'mo_whale');
    await buyCoins(app, whale, 'coins_7000');
    for (let i = 0; i < 10; i++) {
      const fan = await signup(app, `mo_fan${i}`);
      await buyCoins(app, fan, 'coins_70');
      fans.push(fan);
    }
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('pays each LIVE and week, explained, promotes the best earner and levels the fans', async () => {
    // Week one: everyone goes LIVE; ten fans join the star's club (each join also follows).
    const starLive = await goLive(app, star);
    const midLive = await goLive(app, mid);
    const quietLive = await goLive(app, quiet);
    for (const fan of [...fans, whale]) {
      const res = await sendGift(app, fan, star.user.handle, { giftId: FAN_CLUB_GIFT_ID, quantity: 1 });
      expect(res.statusCode, res.body).toBe(201);
    }
    await eventually('eleven members', async () => (await clubOf(star, whale)).members === 11);
    expect((await sendGift(app, whale, star.user.handle, { giftId: 'galaxy' })).statusCode).toBe(201);
    expect((await sendGift(app, whale, mid.user.handle, { giftId: 'doughnut' })).statusCode).toBe(201);

    // 31 minutes on air, then the LIVEs end and each is paid when its job runs.
    app.services.testClock!.advance(31 * MIN);
    for (const s of [starLive, midLive, quietLive]) await endLive(app, s);
    const starPaid = await settle('the star paid for the LIVE', async () => {
      const r = await rewardsOf(star);
      return r.payouts.find((p) => p.kind === 'live' && p.sessionId === starLive);
    });
    expect(starPaid.items.map((i) => [i.mission, i.percent])).toEqual([
      ['duration', 38],
      ['newFollowers', 2],
    ]);
    expect(starPaid.bonusDiamonds).toBe(Math.floor((starPaid.baseDiamonds * 40) / 100));
    expect(starPaid.explanation).toMatch(
      /^38% for 31 min LIVE \+ 2% for 11 new followers on [\d,]+ diamonds = [\d,]+ diamonds$/,
    );
    const midPaid = await settle('mid paid for the LIVE', async () =>
      (await rewardsOf(mid)).payouts.find((p) => p.kind === 'live'),
    );
    expect(midPaid.items.find((i) => i.mission === 'newFollowers')?.percent ?? 0).toBe(0);
    expect(midPaid.baseDiamonds).toBeLessThan(starPaid.baseDiamonds);

    // The week ends on Monday at London midnight: the weekly bonus counts the long LIVE and the
    // active fan club; sitting in the entry league earns nothing.
    moveTo(nextBoundary(now(), 'week') + 2 * MIN);
    const starWeek = await settle('the star paid for the week', async () =>
      (await rewardsOf(star)).payouts.find((p) => p.kind === 'weekly'),
    );
    const weekItems = Object.fromEntries(starWeek.items.map((i) => [i.mission, i]));
    expect(weekItems.longLive?.percent).toBeGreaterThan(0);
    expect(weekItems.activeFans?.label).toBe('11 active fan club members');
    expect(weekItems.activeFans?.percent).toBeGreaterThan(0);
    expect(weekItems.league?.percent ?? 0).toBe(0);
    expect(starWeek.baseDiamonds).toBe(starPaid.baseDiamonds);
    // Nobody earned nothing into a payout: the quiet creator had no diamonds that week.
    expect((await rewardsOf(quiet)).payouts.filter((p) => p.kind === 'weekly')).toEqual([]);

    // The month ends: the star, the group's best earner, goes up a tier.
    const monthEnd = nextBoundary(now(), 'month');
    moveTo(monthEnd + 2 * MIN);
    const promoted = await settle('the star promoted', async () => {
      const l = await leagueOf(star);
      return l.current?.tier === 'D4' && l;
    });
    expect(promoted.current?.period.startsAt).toBe(new Date(monthEnd).toISOString());
    expect((await leagueOf(mid)).current?.tier).toBe('D5');
    expect((await leagueOf(quiet)).current?.tier).toBe('D5');

    // This week the star has reached a new highest league: the weekly mission is met and shows so.
    // (Its payout would come with diamonds earned this week; gift rows are stamped by the database's
    // clock, which the test's clock does not move.)
    const week = await rewardsOf(star);
    expect(week.progress.league).toEqual({ current: 'D4', bestBefore: 'D5' });
    const leagueMission = week.missions.find((m) => m.mission === 'league');
    expect(leagueMission?.earnedPercent).toBeGreaterThan(0);
    expect((await rewardsOf(mid)).missions.find((m) => m.mission === 'league')?.earnedPercent).toBe(0);

    // Fan levels follow their points; the whale's gift coins lifted it past the others.
    const whaleClub = await clubOf(star, whale);
    expect(whaleClub.me.level).toBe(fanLevel(whaleClub.me.points).level);
    const fanClub = await clubOf(star, fans[0]!);
    expect(fanClub.me.level).toBe(fanLevel(fanClub.me.points).level);
    expect(whaleClub.me.points).toBeGreaterThan(fanClub.me.points);
    expect(whaleClub.me.level).toBeGreaterThan(fanClub.me.level);

    await expectLedgerOk(database.db);
  });
});
