import {
  ENTRY_TIER,
  groupCreators,
  type LeagueConfig,
  type LeagueTier,
  leaguePoints,
  nextPeriod,
  type Standing,
  settleGroup,
} from '@onair/core';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import { leagueActivity } from './league-points.read-model.ts';
import * as repo from './leagues.repository.ts';

type Trx = Transaction<Database>;

/** The durable job that ends a period, keyed by the period's key, due at its end. */
export const LEAGUE_SETTLE_JOB = 'league.settle';
/** Groups one run settles before committing and handing on to a fresh run (about 3,000 creators). */
export const GROUPS_PER_RUN = 100;
/** One lock for opening periods and placing creators, so a creator joining during a settlement is not lost. */
export const LEAGUE_LOCK = 0x1ea9e;

/** Members keyed by group (`tier#no`). */
function groupsOf(rows: readonly { creatorId: string; tier: LeagueTier; groupNo: number }[]) {
  const groups = new Map<string, { tier: LeagueTier; ids: string[] }>();
  for (const r of rows) {
    const k = `${r.tier}#${r.groupNo}`;
    const g = groups.get(k);
    if (g) g.ids.push(r.creatorId);
    else groups.set(k, { tier: r.tier, ids: [r.creatorId] });
  }
  return groups;
}

export const lockLeague = (trx: Trx) => sql`select pg_advisory_xact_lock(${LEAGUE_LOCK})`.execute(trx);

interface SettlementDeps {
  db: Db;
  jobs: Jobs;
  config: LeagueConfig;
  now: () => number;
  log: Logger;
  /** Groups one run settles (tests make it 1 to stop a settlement half-way). */
  groupsPerRun?: number;
}

/**
 * The end of a league period: each group ranked on its members' activity in the period, moved with
 * core's `settleGroup`, written where not settled yet; then the next period's groups. A run
 * settles at most GROUPS_PER_RUN groups and commits; if more remain it schedules its own key again,
 * so a crash loses at most one run's work, which the next run redoes (rows already settled are
 * skipped, so nobody moves twice), and no transaction holds the database for the whole league.
 */
export function createLeagueSettlement({
  db,
  jobs,
  config,
  now,
  log,
  groupsPerRun = GROUPS_PER_RUN,
}: SettlementDeps) {
  /** One step of a period's settlement; true once the period is settled and the next one open. */
  async function step(trx: Trx, key: string, at: number): Promise<boolean> {
    const period = await trx
      .selectFrom('leaguePeriods')
      .select(['key', 'startsAt', 'endsAt', 'status'])
      .where('key', '=', key)
      .forUpdate()
      .executeTakeFirst();
    if (!period) throw notFound('league.period_not_found', `No league period ${key}.`);
    if (period.status === 'settled') return true;
    if (at < period.endsAt.getTime())
      throw new AppError(
        'league.period_not_ended',
        409,
        `League period ${key} ends at ${period.endsAt.toISOString()}; it cannot be settled before.`,
      );
    if (period.status === 'open') {
      await repo.setPeriodStatus(trx, key, 'settling', new Date(at));
      // The period's memberships were bulk-inserted a period ago and may never have been analysed:
      // without statistics the planner takes a table of 100,000 rows for a handful and joins each run's
      // outcomes row by row (measured: minutes instead of seconds for 30,000 creators).
      await repo.analyze(trx);
    }

    const groups = groupsOf(await repo.unsettledGroupMembers(trx, key, groupsPerRun));
    if (groups.size > 0) {
      const moved = await settleGroups(trx, period, groups, new Date(at));
      log.info({ period: key, groups: groups.size, moved }, 'league groups settled');
    }
    if (groups.size === groupsPerRun) return false;

    await lockLeague(trx);
    const next = nextPeriod(
      { key, start: period.startsAt.getTime(), end: period.endsAt.getTime() },
      config.period,
      config.zone,
    );
    await repo.insertPeriod(trx, next);
    if (!(await repo.periodHasMembers(trx, next.key))) {
      const seeds = await repo.nextSeeds(trx, key, ENTRY_TIER);
      await repo.insertMemberships(trx, next.key, formGroups(seeds, next.key), new Date(at));
      log.info({ period: next.key, creators: seeds.length }, 'league period opened');
    }
    await repo.setPeriodStatus(trx, key, 'settled', new Date(at));
    await jobs.schedule(LEAGUE_SETTLE_JOB, next.key, next.end, {}, trx);
    return true;
  }

  /** One run's groups: activity read once for all their members, outcomes written in one statement. */
  async function settleGroups(
    trx: Trx,
    period: { key: string; startsAt: Date; endsAt: Date },
    groups: Map<string, { tier: LeagueTier; ids: string[] }>,
    at: Date,
  ): Promise<number> {
    const ids = [...groups.values()].flatMap((g) => g.ids);
    const activity = await leagueActivity(trx, ids, period.startsAt, period.endsAt, config.points);
    const moves = [...groups.values()].flatMap(({ tier, ids: members }) => {
      const standings: Standing[] = members.map((creatorId) => {
        const a = activity.get(creatorId);
        return { creatorId, points: a ? leaguePoints(a, config.points) : 0, reachedAt: a?.reachedAt ?? 0 };
      });
      return settleGroup(tier, standings, config.groups);
    });
    const n = await repo.settleMembers(
      trx,
      period.key,
      moves.map((m) => ({
        creatorId: m.creatorId,
        points: m.points,
        rank: m.rank,
        movement: m.move,
        nextTier: m.to,
      })),
      at,
    );
    await repo.raiseBest(
      trx,
      moves.filter((m) => m.move === 'up').map((m) => ({ creatorId: m.creatorId, tier: m.to })),
      at,
    );
    return n;
  }

  /** Each tier's creators dealt into groups by core's seeded order. */
  function formGroups(seeds: readonly { creatorId: string; tier: LeagueTier }[], periodKey: string) {
    const byTier = new Map<LeagueTier, string[]>();
    for (const s of seeds) {
      const list = byTier.get(s.tier);
      if (list) list.push(s.creatorId);
      else byTier.set(s.tier, [s.creatorId]);
    }
    const rows: repo.NewMembership[] = [];
    for (const [tier, ids] of byTier)
      groupCreators(ids, periodKey, config.groups.groupSize).forEach((group, groupNo) => {
        for (const creatorId of group) rows.push({ creatorId, tier, groupNo });
      });
    return rows;
  }

  jobs.register(LEAGUE_SETTLE_JOB, async ({ job, trx }) => {
    // The job falls due by the jobs' clock (the database's); a node whose own clock is a little behind
    // must not refuse the period it was asked to settle.
    const at = Math.max(now(), job.runAt);
    if (!(await step(trx, job.key, at))) await jobs.schedule(LEAGUE_SETTLE_JOB, job.key, at, {}, trx);
  });

  return {
    /** One run of a period's settlement in its own transaction; true once it is complete. */
    runOnce: (key: string) => db.transaction().execute((trx) => step(trx, key, now())),

    /**
     * Settles a period to the end now (an operator, a test). `league.period_not_ended` (409) before
     * its end, `league.period_not_found` (404) for an unknown key; a settled period is left as it is.
     */
    async settlePeriod(key: string): Promise<void> {
      while (!(await db.transaction().execute((trx) => step(trx, key, now())))) {
        // Each step commits its groups; the loop goes on until the next period is open.
      }
    },
  };
}

export type LeagueSettlement = ReturnType<typeof createLeagueSettlement>;
