import { type Actor, checkFanBadgeName, type FanClubRules, fanLevel } from '@onair/core';
import {
  FAN_CLUB_GIFT_ID,
  FAN_CSV_COLUMNS,
  type FanClubInfo,
  type FanClubSettings,
  type FanList,
  type UpdateFanClubBody,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { SocialService } from '../social/social.service.ts';
import { pickColumns, toCsv } from '../studio/csv.ts';
import { activeFanCounts, activeMembers } from './active-fans.read-model.ts';
import type { FanDirectory } from './fan-directory.ts';
import type { FanMissions } from './fan-missions.ts';
import * as repo from './fanclub.repository.ts';
import { registerWatchMissions } from './watch-missions.ts';

export interface FanClubDeps {
  db: Db;
  directory: FanDirectory;
  missions: FanMissions;
  accounts: Pick<AccountsService, 'getByHandle' | 'getById'>;
  social: Pick<SocialService, 'followById'>;
  events: Pick<DomainEvents, 'on'>;
  jobs: Jobs;
  rules: FanClubRules;
  watchCheckMs: number;
  now: () => number;
  log: Pick<Logger, 'info' | 'warn'>;
}

const badgeInvalid = (problems: string[]) =>
  new AppError('fanclub.badge_invalid', 400, `Badge name: ${problems.join('; ')}.`, { problems });

/** Until the creator picks one: the handle's first 8 characters (handles are always a valid badge). */
const defaultBadge = (handle: string) => [...handle].slice(0, 8).join('');

/**
 * Fan clubs: joining by the club gift (which also follows), missions and points (fan-missions.ts,
 * watch-missions.ts), the badge the chat shows (fan-directory.ts), the creator's settings and fan list.
 */
export function createFanClubService(deps: FanClubDeps) {
  const { db, directory, missions, accounts, rules, now, log } = deps;

  async function ensureClub(creatorId: string): Promise<void> {
    if (await directory.club(creatorId)) return;
    const creator = await accounts.getById(creatorId);
    if (!creator) return;
    await repo.ensureClub(db, creatorId, defaultBadge(creator.handle));
    await directory.changed(creatorId);
  }

  /** Joins `fanId` to `creatorId`'s club and follows; false for someone already a member. */
  async function join(creatorId: string, fanId: string, at: Date): Promise<boolean> {
    if (creatorId === fanId) return false;
    await ensureClub(creatorId);
    const joined = await repo.insertMembership(db, creatorId, fanId, at);
    if (!joined) return false;
    await deps.social.followById(fanId, creatorId);
    await directory.changed(creatorId, fanId);
    log.info({ creatorId, fanId }, 'fan club joined');
    return true;
  }

  // A committed gift: the club gift joins first, then every gift of a member earns per coin. The
  // ledger's commit is the only way in, so a gift nobody paid for never joins or earns.
  deps.events.on('economy.gift_committed', async (gift) => {
    const creatorId = await missions.creatorOf(gift.sessionId);
    if (!creatorId || creatorId === gift.from.id) return;
    const at = new Date(gift.at);
    if (gift.gift.id === FAN_CLUB_GIFT_ID) await join(creatorId, gift.from.id, at);
    // Most gifts are not from members: the cached directory spares them a transaction each.
    else if (!(await directory.badgeOf(creatorId, gift.from.id))) return;
    await missions.grant({
      creatorId,
      fanId: gift.from.id,
      mission: 'giftCoin',
      quantity: gift.totalCoins,
      source: `gift:${gift.id}`,
      at,
    });
  });

  registerWatchMissions({
    ...deps,
    checkMs: deps.watchCheckMs,
    onJoined: async (creatorId, fanId) => {
      await deps.social.followById(fanId, creatorId);
      await directory.changed(creatorId, fanId);
    },
  });

  async function settingsOf(creatorId: string): Promise<FanClubSettings> {
    await ensureClub(creatorId);
    const club = await repo.findClub(db, creatorId);
    if (!club) throw new AppError('fanclub.not_found', 404, 'No such fan club.');
    return { badgeName: club.badgeName, fansOnly: club.fansOnly };
  }

  async function members(creatorId: string, limit: number | null) {
    const rows = await repo.listMembers(db, creatorId, limit);
    const active = await activeMembers(
      db,
      creatorId,
      rows.map((r) => r.id),
      new Date(now()),
    );
    return rows.map((r) => ({ ...r, points: Number(r.points), active: active.has(r.id) }));
  }

  return {
    join,

    /** The club as a room shows it, with the caller's membership. */
    async info(actor: Actor | null, handle: string): Promise<FanClubInfo> {
      const creator = await accounts.getByHandle(actor, handle);
      // A club nobody has joined or set up yet is shown with its defaults, without writing a row.
      const club = await directory.club(creator.id);
      const settings = club ?? { badgeName: defaultBadge(creator.handle), fansOnly: false };
      const mine = actor ? await repo.membership(db, creator.id, actor.id) : undefined;
      const points = mine ? Number(mine.points) : 0;
      return {
        creatorId: creator.id,
        ...settings,
        members: await repo.countMembers(db, creator.id),
        giftId: FAN_CLUB_GIFT_ID,
        me: mine
          ? {
              points,
              level: mine.level,
              nextLevelAt: fanLevel(points, rules).nextAt,
              joinedAt: mine.joinedAt.toISOString(),
            }
          : null,
      };
    },

    async settings(actor: Actor | null): Promise<FanClubSettings> {
      requireAccess(actor, 'live.go', null);
      return settingsOf(actor.id);
    },

    /** The creator's own settings; a bad badge name is a coded 400 and nothing changes. */
    async updateSettings(actor: Actor | null, body: UpdateFanClubBody): Promise<FanClubSettings> {
      requireAccess(actor, 'live.go', null);
      const patch: { badgeName?: string; fansOnly?: boolean } = {};
      if (body.badgeName !== undefined) {
        const check = checkFanBadgeName(body.badgeName);
        if (!check.ok) throw badgeInvalid(check.problems);
        patch.badgeName = check.name;
      }
      if (body.fansOnly !== undefined) patch.fansOnly = body.fansOnly;
      await ensureClub(actor.id);
      await repo.updateClub(db, actor.id, patch);
      await directory.changed(actor.id);
      return settingsOf(actor.id);
    },

    /** The fans-only switch, for the chat's moderators (the chat checked who may). */
    async setFansOnly(creatorId: string, fansOnly: boolean): Promise<void> {
      await ensureClub(creatorId);
      await repo.updateClub(db, creatorId, { fansOnly });
      await directory.changed(creatorId);
    },

    async fans(actor: Actor | null, limit: number): Promise<FanList> {
      requireAccess(actor, 'studio.read', { ownerId: actor?.id ?? '' });
      const settings = await settingsOf(actor.id);
      const [list, total, counts] = await Promise.all([
        members(actor.id, limit),
        repo.countMembers(db, actor.id),
        activeFanCounts(db, [actor.id], new Date(now())),
      ]);
      return {
        ...settings,
        total,
        active: counts.get(actor.id) ?? 0,
        members: list.map((m) => ({
          user: { id: m.id, handle: m.handle, displayName: m.displayName, avatarUrl: m.avatarUrl },
          points: m.points,
          level: m.level,
          active: m.active,
          joinedAt: m.joinedAt.toISOString(),
          lastPointAt: m.lastPointAt.toISOString(),
        })),
      };
    },

    /** Every member as CSV (the studio's writer: RFC 4180, formula-injection guard). */
    async exportCsv(actor: Actor | null, columns: string | undefined) {
      requireAccess(actor, 'studio.read', { ownerId: actor?.id ?? '' });
      const picked = pickColumns(FAN_CSV_COLUMNS, columns);
      const rows = (await members(actor.id, null)).map((m) => ({
        handle: m.handle,
        display_name: m.displayName,
        level: m.level,
        points: m.points,
        active: m.active,
        joined_at: m.joinedAt.toISOString(),
        last_point_at: m.lastPointAt.toISOString(),
      }));
      const day = new Date(now()).toISOString().slice(0, 10);
      return { filename: `fans-${day}.csv`, body: toCsv(picked, rows) };
    },
  };
}

export type FanClubService = ReturnType<typeof createFanClubService>;
