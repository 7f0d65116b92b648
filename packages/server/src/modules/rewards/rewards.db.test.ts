import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { buyCoins, endLive, expectLedgerOk, goLive, sendGift, wallet } from '../economy/testing.ts';
import { REWARD_JOBS } from './rewards.service.ts';

const MIN = 60_000;
// No worker loop: each test runs the due jobs itself, so it knows when they ran.
const ENV = { TEST_CLOCK: 'on', ROLES: 'api,gateway,media' };
type User = Awaited<ReturnType<typeof signup>>;

describe.each(testDatabases())('LIVE Rewards per LIVE on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: User;
  let fan: User;
  const payouts = (creatorId: string) =>
    database.db.selectFrom('rewardPayouts').selectAll().where('creatorId', '=', creatorId).execute();
  const rewardsPage = async (who: User) => {
    const res = await app.inject({ url: '/api/v1/studio/rewards', headers: who.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, ENV);
    app.services.live.attachMedia({ kick: () => undefined });
    await signup(app, 'rw_admin');
    creator = await signup(app, 'rw_host');
    fan = await signup(app, 'rw_fan');
    await buyCoins(app, fan, 'coins_3500');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('pays a LIVE its bonus once, explained, even when the settlement runs twice', async () => {
    const sessionId = await goLive(app, creator);
    // Five followers during the LIVE earn the +2 %.
    for (let i = 0; i < 5; i++) {
      const f = await signup(app, `rw_follower${i}`);
      const res = await app.inject({ method: 'PUT', url: `/api/v1/users/rw_host/follow`, headers: f.auth });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    for (let i = 0; i < 4; i++)
      expect((await sendGift(app, fan, 'rw_host', { giftId: 'finger_heart', quantity: 50 })).statusCode).toBe(
        201,
      );
    const earned = (await wallet(app, creator)).diamonds;
    expect(earned).toBeGreaterThan(0);

    // A LIVE still running is refused, nothing moves.
    await expect(app.services.rewards.settleLive(sessionId)).rejects.toMatchObject({
      code: 'rewards.period_not_ended',
    });
    expect(await payouts(creator.user.id)).toEqual([]);

    app.services.testClock!.advance(31 * MIN);
    await endLive(app, sessionId);
    expect(await app.services.jobs.find(REWARD_JOBS.live, sessionId)).toBeTruthy();
    await app.services.jobs.runDue();

    const bonus = Math.floor((earned * 4000) / 10_000);
    const [row, ...rest] = await payouts(creator.user.id);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ kind: 'live', periodKey: sessionId, bps: 4000, bonusDiamonds: bonus });
    expect(row!.explanation).toBe(
      `38% for 31 min LIVE + 2% for 5 new followers on ${earned.toLocaleString('en-US')} diamonds = ${bonus.toLocaleString('en-US')} diamonds`,
    );
    expect((await wallet(app, creator)).diamonds).toBe(earned + bonus);

    // Run again: through the job (scheduled anew, as the sweep would) and directly.
    await app.services.jobs.schedule(REWARD_JOBS.live, sessionId, app.services.testClock!.now());
    await app.services.jobs.runDue();
    expect(await app.services.rewards.settleLive(sessionId)).toBe('already');
    expect(await payouts(creator.user.id)).toHaveLength(1);
    expect((await wallet(app, creator)).diamonds).toBe(earned + bonus);

    const page = await rewardsPage(creator);
    expect(page.payouts[0]).toMatchObject({ kind: 'live', bonusDiamonds: bonus, percent: 40 });
    expect(page.payouts[0].items.map((i: { mission: string }) => i.mission)).toEqual([
      'duration',
      'newFollowers',
    ]);
    expect(page.progress.longestLiveMin).toBe(31);
    expect(page.progress.liveDays).toBe(1);
    expect(page.missions.find((m: { mission: string }) => m.mission === 'longLive').earnedPercent).toBe(2);
    expect(page.maxPercent).toEqual({ perLive: 40, weekly: 13, cap: 53 });
    await expectLedgerOk(database.db);
    const check = await app.inject({ url: '/api/v1/admin/ledger/check', headers: (await adminAuth()).auth });
    if (check.statusCode === 200) expect(check.json().totals.diamonds.rewarded).toBe(bonus);
  });

  it('the sweep settles an ended LIVE whose job was lost', async () => {
    const other = await signup(app, 'rw_host2');
    const sessionId = await goLive(app, other);
    expect((await sendGift(app, fan, 'rw_host2', { giftId: 'rose', quantity: 30 })).statusCode).toBe(201);
    app.services.testClock!.advance(3 * MIN);
    await endLive(app, sessionId);
    // As if the node died between the session's end and scheduling its job.
    await app.services.jobs.cancel(REWARD_JOBS.live, sessionId);
    app.services.testClock!.advance(10 * MIN);
    await app.services.jobs.schedule(REWARD_JOBS.sweep, 'all', app.services.testClock!.now());
    await app.services.jobs.runDue();
    const [row] = await payouts(other.user.id);
    expect(row).toMatchObject({ kind: 'live', periodKey: sessionId, bps: 2000 });
    expect(row!.explanation).toMatch(/^20% for 3 min LIVE on \d+ diamonds = \d+ diamonds$/);
    await expectLedgerOk(database.db);
  });

  it('refuses a week that has not ended and a date that is not one, moving nothing', async () => {
    const before = await database.db
      .selectFrom('ledgerTransfers')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirst();
    const today = new Date(app.services.testClock!.now()).toISOString().slice(0, 10);
    await expect(app.services.rewards.settleWeek(today)).rejects.toMatchObject({
      code: 'rewards.period_not_ended',
      status: 409,
    });
    await expect(app.services.rewards.settleWeek('2026-02-30')).rejects.toMatchObject({
      code: 'rewards.bad_period',
    });
    const after = await database.db
      .selectFrom('ledgerTransfers')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(after).toEqual(before);
    expect(
      await database.db.selectFrom('rewardPayouts').selectAll().where('kind', '=', 'weekly').execute(),
    ).toEqual([]);
  });

  it('shows the page to its creator only', async () => {
    expect((await app.inject({ url: '/api/v1/studio/rewards' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/studio/rewards', headers: fan.auth })).statusCode).toBe(403);
  });

  async function adminAuth() {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?token=true',
      payload: { handle: 'rw_admin', password: 'correct horse battery' },
    });
    return { auth: { authorization: `Bearer ${res.json().token}` } };
  }
});
