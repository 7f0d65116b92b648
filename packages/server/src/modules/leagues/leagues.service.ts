import {
  type Actor,
  type LeagueConfig,
  type LeagueTier,
  leaderboardWindow,
  leaguePoints,
  settleGroup,
} from '@onair/core';
import type { ChatUser, Leaderboard, LeaderboardWindowName, LeagueView, PublicUser } from '@onair/protocol';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { notFound, unauthorized } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { roomTopGifters } from './leaderboard.read-model.ts';
import { registerLeagueMembership } from './league-membership.ts';
import { leagueActivity } from './league-points.read-model.ts';
import { createLeagueSettlement } from './league-settlement.ts';
import * as repo from './leagues.repository.ts';

export interface LeaguesDeps {
  db: Db;
  accounts: Pick<AccountsService, 'getByHandle' | 'getById'>;
  jobs: Jobs;
  events: Pick<DomainEvents, 'on'>;
  roomLog: Pick<RoomLog, 'append'>;
  /** Whether a session is still LIVE (from the live module), before its room is told anything. */
  isLive: (sessionId: string) => Promise<boolean>;
  config: LeagueConfig;
  now: () => number;
  log: Logger;
  /** Groups one settlement run takes (default GROUPS_PER_RUN). */
  groupsPerRun?: number;
  /** How long into a LIVE a promotion is told (default ANNOUNCE_DELAY_MS). */
  announceDelayMs?: number;
}

const HISTORY = 24;
const LEADERBOARD_SIZE = 20;
const iso = (d: Date) => d.toISOString();

/**
 * Leagues: membership at go-LIVE, the period-end settlement job, a creator's league page with
 * their group's live standings, badges, and per-room top gifters (see README.md).
 */
export function createLeaguesService(deps: LeaguesDeps) {
  const { db, accounts, config, now } = deps;
  const settlement = createLeagueSettlement(deps);
  const hostOf = async (creatorId: string): Promise<ChatUser | null> => {
    const u = await accounts.getById(creatorId);
    return u
      ? { id: u.id, handle: u.handle, displayName: u.displayName, avatarUrl: u.avatarUrl, badge: 'host' }
      : null;
  };
  const membership = registerLeagueMembership({ ...deps, hostOf });

  /** The creator's group ranked on activity so far (points are computed on read, never stored mid-period). */
  async function liveStandings(period: repo.PeriodRow, tier: LeagueTier, groupNo: number) {
    const members = await repo.groupMembers(db, period.key, tier, groupNo);
    const ids = members.map((m) => m.creatorId);
    const to = new Date(Math.min(now(), period.endsAt.getTime()));
    const activity = await leagueActivity(db, ids, period.startsAt, to, config.points);
    const standings = ids.map((creatorId) => {
      const a = activity.get(creatorId);
      return { creatorId, points: a ? leaguePoints(a, config.points) : 0, reachedAt: a?.reachedAt ?? 0 };
    });
    // settleGroup ranks with rankGroup and says where each would go if the period ended now.
    return settleGroup(tier, standings, config.groups);
  }

  async function view(creator: PublicUser): Promise<LeagueView> {
    const ref = {
      id: creator.id,
      handle: creator.handle,
      displayName: creator.displayName,
      avatarUrl: creator.avatarUrl,
    };
    const [period, best, past] = await Promise.all([
      repo.periodAtInstant(db, new Date(now())),
      repo.bestTierOf(db, creator.id),
      repo.history(db, creator.id, HISTORY),
    ]);
    const mine = period ? await repo.membership(db, period.key, creator.id) : undefined;
    let current: LeagueView['current'] = null;
    if (period && mine) {
      const moves = await liveStandings(period, mine.tier, mine.groupNo);
      const users = new Map(
        (await repo.groupUsers(db, period.key, mine.tier, mine.groupNo)).map((u) => [u.id, u]),
      );
      const me = moves.find((m) => m.creatorId === creator.id)!;
      current = {
        period: { key: period.key, startsAt: iso(period.startsAt), endsAt: iso(period.endsAt) },
        tier: mine.tier,
        group: mine.groupNo + 1,
        points: me.points,
        rank: me.rank,
        promote: config.groups.promote,
        relegate: config.groups.relegate,
        standings: moves.flatMap((m) => {
          const u = users.get(m.creatorId);
          if (!u) return [];
          return [{ rank: m.rank, creator: u, points: m.points, move: m.move }];
        }),
      };
    }
    return {
      creator: ref,
      current,
      bestTier: best?.bestTier ?? null,
      history: past.map((h) => ({
        period: { key: h.key, startsAt: iso(h.startsAt), endsAt: iso(h.endsAt) },
        tier: h.tier,
        points: Number(h.points ?? 0),
        rank: h.rank ?? 0,
        groupSize: Number(h.groupSize ?? 0),
        move: h.movement ?? 'stay',
        nextTier: h.nextTier ?? h.tier,
      })),
    };
  }

  return {
    settlePeriod: settlement.settlePeriod,
    settleRun: settlement.runOnce,
    join: membership.join,

    /** `GET /leagues/me`: the signed-in creator's league page. */
    async mine(actor: Actor | null): Promise<LeagueView> {
      if (!actor) throw unauthorized('auth.required', 'Log in to see your league.');
      const me = await accounts.getById(actor.id);
      if (!me) throw notFound('user.not_found', 'No such user.');
      return view(me);
    },

    /** `GET /leagues/:handle`: anyone's league page (standings are public, as the badge is). */
    async ofHandle(actor: Actor | null, handle: string): Promise<LeagueView> {
      return view(await accounts.getByHandle(actor, handle));
    },

    /** The badge tier of one creator now, or null outside the league. */
    async badge(creatorId: string): Promise<LeagueTier | null> {
      const period = await repo.periodAtInstant(db, new Date(now()));
      if (period) {
        const [row] = await repo.tiersIn(db, period.key, [creatorId]);
        if (row) return row.tier;
      }
      // Between a period's end and its settlement, or before the first LIVE of a new period.
      const last = await repo.latestTier(db, creatorId);
      return last ? (last.nextTier ?? last.tier) : null;
    },

    /** `GET /rooms/:handle/leaderboard`: top gifters of the room over a day, a week or all time. */
    async leaderboard(
      actor: Actor | null,
      handle: string,
      window: LeaderboardWindowName,
    ): Promise<Leaderboard> {
      const creator = await accounts.getByHandle(actor, handle);
      const bounds = leaderboardWindow(window, now(), config.zone);
      const range = bounds ? { start: new Date(bounds.start), end: new Date(bounds.end) } : null;
      const gifters = await roomTopGifters(db, creator.id, range, LEADERBOARD_SIZE);
      return {
        window,
        startsAt: range ? iso(range.start) : null,
        endsAt: range ? iso(range.end) : null,
        gifters,
      };
    },
  };
}

export type LeaguesService = ReturnType<typeof createLeaguesService>;
