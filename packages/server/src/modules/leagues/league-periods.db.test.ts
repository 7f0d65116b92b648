import { DEFAULT_LEAGUE_CONFIG, type LeagueConfig } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDomainEvents } from '../../events/domain-events.ts';
import { createJobs } from '../../jobs/jobs.ts';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { LEAGUE_SETTLE_JOB } from './league-settlement.ts';
import { createLeaguesService } from './leagues.service.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const log = pino({ level: 'silent' });

describe.each(testDatabases())('league periods and settlement runs on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  const ids: string[] = [];
  let t = 0;

  /** A league service on its own clock and job runner: what a node would run, with time in the test's hands. */
  function node(config: Partial<LeagueConfig>, groupsPerRun?: number) {
    const jobs = createJobs({ db: database.db, log, pollMs: 1000, worker: false, clock: () => t });
    const leagues = createLeaguesService({
      db: database.db,
      accounts: app.services.accounts,
      jobs,
      events: createDomainEvents({ log }),
      roomLog: { append: () => Promise.reject(new Error('no room in this test')) },
      isLive: async () => false,
      config: { ...DEFAULT_LEAGUE_CONFIG, ...config },
      now: () => t,
      log,
      ...(groupsPerRun ? { groupsPerRun } : {}),
    });
    return { jobs, leagues };
  }
  const periods = () => database.db.selectFrom('leaguePeriods').selectAll().orderBy('startsAt').execute();
  const members = (key: string) =>
    database.db.selectFrom('leagueMemberships').selectAll().where('periodKey', '=', key).execute();

  beforeAll(async () => {
    database = await kind.create();
    // The app only provides accounts; it never goes LIVE here, so its own league service stays idle.
    app = await testApp(database, { ROLES: 'api,gateway,media' });
    for (let i = 0; i < 6; i++) ids.push((await signup(app, `lp_c${i}`)).user.id);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.deleteFrom('leagueMemberships').execute();
    await database.db.deleteFrom('leagueCreators').execute();
    await database.db.deleteFrom('leaguePeriods').execute();
    await database.db.deleteFrom('jobs').where('kind', '=', LEAGUE_SETTLE_JOB).execute();
  });

  it('bounds a monthly London period at local midnights across the spring clock change', async () => {
    const { jobs, leagues } = node({ zone: 'Europe/London', period: { kind: 'monthly' } });
    t = at('2027-03-15T12:00:00Z');
    for (const id of ids.slice(0, 3)) expect(await leagues.join(id)).toBe('D5');
    const [march] = await periods();
    expect(march).toMatchObject({ key: '2027-03', status: 'open' });
    // 1 March 00:00 GMT; 1 April 00:00 BST is 31 March 23:00 UTC: a month an hour short.
    expect(march!.startsAt.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(march!.endsAt.toISOString()).toBe('2027-03-31T23:00:00.000Z');
    expect((await jobs.find(LEAGUE_SETTLE_JOB, '2027-03'))?.runAt.toISOString()).toBe(
      march!.endsAt.toISOString(),
    );

    // A millisecond before the end: not due, and refused by hand with its code.
    t = march!.endsAt.getTime() - 1;
    await jobs.runDue();
    expect((await periods()).map((p) => p.status)).toEqual(['open']);
    await expect(leagues.settlePeriod('2027-03')).rejects.toMatchObject({ code: 'league.period_not_ended' });

    t = march!.endsAt.getTime();
    await jobs.runDue();
    const [, april] = await periods();
    expect(april).toMatchObject({ key: '2027-04', status: 'open' });
    expect(april!.startsAt.toISOString()).toBe('2027-03-31T23:00:00.000Z');
    expect(april!.endsAt.toISOString()).toBe('2027-04-30T23:00:00.000Z');
    expect(await members('2027-04')).toHaveLength(3);
    expect((await jobs.find(LEAGUE_SETTLE_JOB, '2027-04'))?.runAt.toISOString()).toBe(
      '2027-04-30T23:00:00.000Z',
    );
  });

  it('gives a week across a clock change its 167 hours, and the autumn one 169', async () => {
    const { jobs, leagues } = node({ zone: 'Europe/London', period: { kind: 'weekly' } });
    t = at('2027-03-24T12:00:00Z');
    await leagues.join(ids[0]!);
    const [w12] = await periods();
    expect(w12!.key).toBe('2027-W12');
    expect(w12!.endsAt.getTime() - w12!.startsAt.getTime()).toBe(167 * HOUR);
    t = w12!.endsAt.getTime();
    await jobs.runDue();
    const [, w13] = await periods();
    expect(w13!.key).toBe('2027-W13');
    expect(w13!.startsAt.toISOString()).toBe('2027-03-28T23:00:00.000Z');
    expect(w13!.endsAt.getTime() - w13!.startsAt.getTime()).toBe(168 * HOUR);

    // Autumn: a fresh league in the week London falls back (31 October 2027).
    await database.db.deleteFrom('leagueMemberships').execute();
    await database.db.deleteFrom('leaguePeriods').execute();
    t = at('2027-10-27T12:00:00Z');
    await leagues.join(ids[1]!);
    const [w43] = await periods();
    expect(w43!.key).toBe('2027-W43');
    expect(w43!.endsAt.getTime() - w43!.startsAt.getTime()).toBe(169 * HOUR);
  });

  it('resumes a settlement stopped half-way and moves nobody twice', async () => {
    const groups = { groupSize: 2, promote: 1, relegate: 1, minPointsToPromote: 1 };
    const first = node({ groups }, 1);
    t = at('2027-05-10T00:00:00Z');
    for (const id of ids) await first.leagues.join(id);
    const [may] = await periods();
    expect(new Set((await members(may!.key)).map((m) => m.groupNo))).toEqual(new Set([0, 1, 2]));

    // One run settles one group and commits; then the node is gone.
    t = may!.endsAt.getTime() + HOUR;
    const firstRunAt = t;
    expect(await first.leagues.settleRun(may!.key)).toBe(false);
    const half = await members(may!.key);
    expect(half.filter((m) => m.settledAt !== null)).toHaveLength(2);
    expect((await periods()).map((p) => p.status)).toEqual(['settling']);

    // Another node (a restart) finishes it through the durable job.
    const second = node({ groups }, 1);
    t += HOUR;
    await second.jobs.runDue();
    const done = await members(may!.key);
    expect(done.every((m) => m.settledAt !== null)).toBe(true);
    // The group settled before the "crash" kept its first settlement.
    const early = done.filter((m) => m.settledAt!.getTime() === firstRunAt);
    expect(early.map((m) => m.creatorId).sort()).toEqual(
      half
        .filter((m) => m.settledAt !== null)
        .map((m) => m.creatorId)
        .sort(),
    );
    const [, june] = await periods();
    const next = await members(june!.key);
    expect(next.map((m) => m.creatorId).sort()).toEqual([...ids].sort());
    expect((await periods()).map((p) => p.status)).toEqual(['settled', 'open']);

    // Run again by hand: nothing changes.
    const before = JSON.stringify(await members(may!.key));
    await second.leagues.settlePeriod(may!.key);
    expect(JSON.stringify(await members(may!.key))).toBe(before);
    expect(await members(june!.key)).toHaveLength(6);
  });

  it('places a creator who joins while a period is being settled into the next one', async () => {
    const { jobs, leagues } = node({});
    t = at('2027-06-10T00:00:00Z');
    await leagues.join(ids[0]!);
    const [june] = await periods();
    t = june!.endsAt.getTime() + 1000;
    // The settlement job has not run yet: the newcomer is registered, not placed.
    expect(await leagues.join(ids[1]!)).toBeNull();
    await jobs.runDue();
    const [, july] = await periods();
    expect((await members(july!.key)).map((m) => m.creatorId).sort()).toEqual([ids[0], ids[1]].sort());
    // A later newcomer joins the open period's smallest group.
    expect(await leagues.join(ids[2]!)).toBe('D5');
    expect(await members(july!.key)).toHaveLength(3);
  });
});
