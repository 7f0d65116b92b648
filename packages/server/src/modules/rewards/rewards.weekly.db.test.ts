import { DEFAULT_REWARD_TABLE, periodAt } from '@onair/core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDomainEvents } from '../../events/domain-events.ts';
import { createJobs } from '../../jobs/jobs.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { createLedger } from '../economy/ledger.ts';
import { expectLedgerOk } from '../economy/testing.ts';
import { type SeedCreator, seedCreators } from './rewards.seed.ts';
import { createRewardsService, REWARD_JOBS } from './rewards.service.ts';
import { settleWeekStep } from './settlement.ts';
import type { WeeklyInputs } from './weekly-inputs.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const live = (startIso: string, minutes: number) => ({
  startedAt: at(startIso),
  endedAt: at(startIso) + minutes * MIN,
});
const ZONE = 'Europe/London';
// London's clocks go forward at 01:00 UTC on Sunday 29 March 2026: that ISO week (W13) is 167 hours,
// from 00:00 GMT on the 23rd to 00:00 BST on the 30th, which is 23:00 UTC on the 29th.
const WEEK = periodAt(at('2026-03-25T12:00:00Z'), { kind: 'weekly' }, ZONE);

const creators: SeedCreator[] = [
  {
    // Four local LIVE days and a 30-minute LIVE in the week; then a LIVE and a gift at 23:15/23:30 UTC
    // on Sunday, which is already Monday 00:15/00:30 in London: next week, not this one.
    lives: [
      live('2026-03-23T10:00:00Z', 30),
      live('2026-03-24T10:00:00Z', 12),
      live('2026-03-25T10:00:00Z', 12),
      live('2026-03-26T10:00:00Z', 12),
      live('2026-03-29T23:15:00Z', 60),
    ],
    gifts: [
      { diamonds: 1000, at: at('2026-03-23T10:05:00Z'), live: 0 },
      { diamonds: 500, at: at('2026-03-29T23:30:00Z'), live: 4 },
    ],
  },
  // A short LIVE only, but 50 active fans and a new highest league (from the injected inputs).
  {
    lives: [live('2026-03-28T20:00:00Z', 5)],
    gifts: [{ diamonds: 2000, at: at('2026-03-28T20:01:00Z'), live: 0 }],
  },
  // Diamonds and nothing else: 0 %, a row that says so and no transfer.
  {
    lives: [live('2026-03-27T08:00:00Z', 3)],
    gifts: [{ diamonds: 333, at: at('2026-03-27T08:01:00Z'), live: 0 }],
  },
];

describe.each(testDatabases())('weekly LIVE Rewards on $name', (kind) => {
  let database: TestDatabaseHandle;
  let ids: string[];
  let nowMs = WEEK.end + 2 * MIN;
  const log = pino({ level: 'silent' });

  const build = (batch: number) => {
    const db = database.db;
    const inputs: WeeklyInputs = {
      activeFans: async (_db, list) => new Map(list.filter((c) => c === ids[1]).map((c) => [c, 50])),
      league: async (_db, list) =>
        new Map(
          list
            .filter((c) => c === ids[1])
            .map((c) => [c, { current: 'D3' as const, bestBefore: 'D4' as const }]),
        ),
    };
    const jobs = createJobs({ db, log, pollMs: 1_000, worker: false, clock: () => nowMs });
    const config = {
      zone: ZONE,
      table: DEFAULT_REWARD_TABLE,
      weeklyBatch: batch,
      weeklyGraceMs: MIN,
      sweepMs: 5 * MIN,
    };
    const ledger = createLedger(db);
    const deps = { ledger, table: config.table, zone: ZONE, inputs };
    const rewards = createRewardsService({
      db,
      ledger,
      jobs,
      events: createDomainEvents({ log }),
      config,
      inputs,
      now: () => nowMs,
      log,
    });
    return { jobs, rewards, deps };
  };
  const weekly = () =>
    database.db
      .selectFrom('rewardPayouts')
      .selectAll()
      .where('kind', '=', 'weekly')
      .orderBy('bonusDiamonds', 'desc')
      .execute();

  beforeAll(async () => {
    database = await kind.create();
    ids = (await seedCreators(database.db, 'wk', creators)).map((c) => c.id);
    await expectLedgerOk(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('a week across the clock change has 167 hours and London days', () => {
    expect(WEEK.key).toBe('2026-W13');
    expect(new Date(WEEK.start).toISOString()).toBe('2026-03-23T00:00:00.000Z');
    expect(new Date(WEEK.end).toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('refuses the week before it ends, moving nothing', async () => {
    const { rewards } = build(2);
    nowMs = WEEK.end - 1;
    await expect(rewards.settleWeek('2026-03-25')).rejects.toMatchObject({
      code: 'rewards.period_not_ended',
    });
    expect(await weekly()).toEqual([]);
    nowMs = WEEK.end + 2 * MIN;
  });

  it('a crashed batch pays nobody; the resumed settlement pays every creator once', async () => {
    const { deps } = build(1);
    await database.db.transaction().execute((trx) => settleWeekStep(trx, deps, WEEK, null, 1, nowMs));
    const first = await database.db
      .transaction()
      .execute((trx) => settleWeekStep(trx, deps, WEEK, '', 1, nowMs));
    expect(first.paid).toBe(1);
    // The next batch dies after paying (its transaction never commits).
    await expect(
      database.db.transaction().execute(async (trx) => {
        await settleWeekStep(trx, deps, WEEK, first.cursor, 1, nowMs);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await weekly()).toHaveLength(1);
    await expectLedgerOk(database.db);
  });

  it('the weekly job settles everyone in batches, once, and schedules the next week', async () => {
    const { jobs } = build(1);
    await jobs.schedule(REWARD_JOBS.weekly, WEEK.key, WEEK.end + MIN, {
      start: WEEK.start,
      end: WEEK.end,
      cursor: null,
    });
    await jobs.runDue();
    const rows = await weekly();
    expect(rows.map((r) => [r.creatorId, r.baseDiamonds, r.bps, r.bonusDiamonds])).toEqual([
      [ids[1], 2000, 600, 120],
      [ids[0], 1000, 500, 50],
      [ids[2], 333, 0, 0],
    ]);
    expect(rows[0]!.explanation).toBe(
      '4% for 50 active fan club members + 2% for reaching a new highest league (D3) on 2,000 diamonds = 120 diamonds',
    );
    expect(rows[1]!.explanation).toBe(
      '3% for 4 LIVE days + 2% for a 30 min LIVE on 1,000 diamonds = 50 diamonds',
    );
    expect(rows[2]).toMatchObject({ transferId: null, explanation: '0% on 333 diamonds = 0 diamonds' });
    expect(await jobs.find(REWARD_JOBS.weekly, WEEK.key)).toBeUndefined();
    const next = await jobs.find(REWARD_JOBS.weekly, '2026-W14');
    expect(next?.runAt.toISOString()).toBe('2026-04-05T23:01:00.000Z');

    // Settled again, by the operator's command: nobody is paid twice.
    const { rewards } = build(2);
    expect(await rewards.settleWeek('2026-03-29')).toEqual({
      week: '2026-W13',
      payouts: 3,
      bonusDiamonds: 170,
    });
    expect(await weekly()).toHaveLength(3);
    await expectLedgerOk(database.db);
  });
});
