import { type FanClubRules, type FanMission, fanLevel, grantFanPoints, localDayNumber } from '@onair/core';
import type { Db } from '../../db/database.ts';
import * as repo from './fanclub.repository.ts';

/** One mission event, as the server itself recorded it (never as a client claims it). */
export interface MissionEvent {
  creatorId: string;
  fanId: string;
  mission: FanMission;
  /** Coins for `giftCoin`, 1 otherwise. */
  quantity: number;
  /** What earned it, unique per member: `comment:<id>`, `gift:<id>`, `watch15:<session>`, … */
  source: string;
  at: Date;
}

export type GrantOutcome =
  | { kind: 'not_member' }
  | { kind: 'replayed' }
  | { kind: 'granted'; points: number; total: number; level: number };

/**
 * Grants one mission event to a member, in its own transaction: the member's row is locked first, so
 * concurrent events for one member (on any node) are counted one after another and the day's tally
 * they read is the one the previous grant wrote. What the event earns is core's `grantFanPoints`
 * against that tally, so a day's total for a mission never passes its cap whatever arrives at once.
 * The source is claimed in the same transaction: an event heard twice (a retry, two listeners) counts
 * once.
 */
export async function grantMission(
  db: Db,
  e: MissionEvent,
  rules: FanClubRules,
  zone: string,
): Promise<GrantOutcome> {
  return db.transaction().execute((trx) => grantMissionIn(trx, e, rules, zone));
}

/** The same inside a transaction the caller holds (a job's, on the embedded database's one connection). */
export async function grantMissionIn(
  trx: Db,
  e: MissionEvent,
  rules: FanClubRules,
  zone: string,
): Promise<GrantOutcome> {
  const member = await repo.lockMembership(trx, e.creatorId, e.fanId);
  if (!member) return { kind: 'not_member' };
  if (!(await repo.claimSource(trx, e))) return { kind: 'replayed' };
  const key = {
    creatorId: e.creatorId,
    fanId: e.fanId,
    day: localDayNumber(e.at.getTime(), zone),
    mission: e.mission,
  };
  const already = await repo.pointsToday(trx, key);
  const points = grantFanPoints(e.mission, e.quantity, already, rules);
  const total = Number(member.points) + points;
  const level = fanLevel(total, rules).level;
  if (points > 0) {
    await repo.setPointsToday(trx, key, already + points);
    await repo.recordGrant(trx, { ...e, points, level });
  }
  return { kind: 'granted', points, total, level };
}
