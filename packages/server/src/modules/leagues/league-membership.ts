import { ENTRY_TIER, groupForLateJoiner, type LeagueConfig, type LeagueTier, periodAt } from '@onair/core';
import type { ChatUser } from '@onair/protocol';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import { LEAGUE_SETTLE_JOB, lockLeague } from './league-settlement.ts';
import * as repo from './leagues.repository.ts';

interface MembershipDeps {
  db: Db;
  jobs: Jobs;
  events: Pick<DomainEvents, 'on'>;
  roomLog: Pick<RoomLog, 'append'>;
  /** How the host is shown in their own room's chat line. */
  hostOf: (creatorId: string) => Promise<ChatUser | null>;
  /** Whether a session is still LIVE (its room log would reopen otherwise). */
  isLive: (sessionId: string) => Promise<boolean>;
  config: LeagueConfig;
  now: () => number;
  log: Logger;
  announceDelayMs?: number | undefined;
}

/** The job that tells a room about its host's promotion, keyed by the session. */
export const LEAGUE_ANNOUNCE_JOB = 'league.announce';
/** How long into a LIVE the promotion is told: the first viewers have arrived by then. */
export const ANNOUNCE_DELAY_MS = 10_000;

/**
 * Joining the league and hearing about a promotion, both at a LIVE start (`live.session_started`).
 * A creator joins when they first go LIVE (every diamond is earned LIVE, so nobody earns before
 * joining): at D5, placed in the current period by core's `groupForLateJoiner`, so nobody already
 * placed changes group. Between a period's end and its settlement the creator is only registered;
 * the settlement seeds them into the next period.
 */
export function registerLeagueMembership(deps: MembershipDeps) {
  const { db, jobs, config, now, log } = deps;

  /** Places the creator (idempotent); the tier they compete in now, or null while a period is settling. */
  async function join(creatorId: string): Promise<LeagueTier | null> {
    return db.transaction().execute(async (trx) => {
      const at = now();
      await lockLeague(trx);
      await repo.registerCreator(trx, creatorId, ENTRY_TIER, new Date(at));
      let period = await repo.periodAtInstant(trx, new Date(at));
      if (!period) {
        // The very first LIVE opens the first period; a later gap means one is being settled.
        if (await repo.latestPeriod(trx)) return null;
        const first = periodAt(at, config.period, config.zone);
        await repo.insertPeriod(trx, first);
        await jobs.schedule(LEAGUE_SETTLE_JOB, first.key, first.end, {}, trx);
        period = await repo.periodByKey(trx, first.key);
        log.info({ period: first.key }, 'first league period opened');
      }
      if (period?.status !== 'open') return null;
      const mine = await repo.membership(trx, period.key, creatorId);
      if (mine) return mine.tier;
      const last = await repo.latestTier(trx, creatorId);
      const tier = last?.nextTier ?? last?.tier ?? ENTRY_TIER;
      const sizes = await repo.groupSizes(trx, period.key, tier);
      const groupNo = groupForLateJoiner(sizes, creatorId, period.key, config.groups.groupSize);
      await repo.insertMemberships(trx, period.key, [{ creatorId, tier, groupNo }], new Date(at));
      return tier;
    });
  }

  /**
   * A promotion is told in the room a little after the LIVE starts, once the first viewers are in
   * (a room event reaches only those watching): a durable job keyed by the session.
   */
  async function announce(sessionId: string, creatorId: string): Promise<void> {
    if (!(await deps.isLive(sessionId))) return;
    // Claimed first (one UPDATE … RETURNING), so two runs never both say it.
    const claimed = await repo.claimPromotionNotice(db, creatorId, new Date(now()));
    const latest = claimed.toSorted((a, b) => (a.periodKey < b.periodKey ? 1 : -1))[0];
    if (!latest?.nextTier) return;
    const user = await deps.hostOf(creatorId);
    if (!user) return;
    await deps.roomLog.append(sessionId, { kind: 'league', user, from: latest.tier, tier: latest.nextTier });
    log.info({ creatorId, sessionId, tier: latest.nextTier }, 'league promotion announced');
  }

  // The job's own transaction holds the embedded database's only connection, so the lookups and
  // the claim run once it has committed: a crash in between loses the line rather than saying it twice.
  jobs.register<{ creatorId: string }>(LEAGUE_ANNOUNCE_JOB, async ({ job, afterCommit }) => {
    afterCommit(() => announce(job.key, job.payload.creatorId));
  });

  deps.events.on('live.session_started', async ({ sessionId, creatorId }) => {
    await join(creatorId);
    await jobs.schedule(LEAGUE_ANNOUNCE_JOB, sessionId, now() + (deps.announceDelayMs ?? ANNOUNCE_DELAY_MS), {
      creatorId,
    });
  });

  return { join };
}
