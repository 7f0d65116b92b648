import type { BoosterRules } from '@onair/core';
import type { ServerFrame } from '@onair/protocol';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { BattleRow } from '../../db/schema.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import { BATTLES_TOPIC, type BattleChange } from './battles.config.ts';
import { notFound } from './battles.errors.ts';
import { type BattleUserRow, presentBattle, type ViewParts } from './battles.presenter.ts';
import type { MemberRow } from './battles.repository.ts';
import * as repo from './battles.repository.ts';

/** Loading a battle with what its views need, presenting it, and sending it to both rooms. */
export function createViews({ db, bus, log, rules }: { db: Db; bus: Bus; log: Logger; rules: BoosterRules }) {
  /** Win streaks of a running battle's members: they change only when it ends. */
  const streakCache = new Map<string, Map<string, number>>();

  async function partsOf(row: BattleRow, members: MemberRow[]): Promise<ViewParts> {
    let streaks = streakCache.get(row.id);
    if (!streaks) {
      streaks = new Map(
        (
          await repo.stats(
            db,
            members.map((m) => m.userId),
          )
        ).map((s) => [s.userId, s.winStreak]),
      );
      if (row.status !== 'ended') streakCache.set(row.id, streaks);
    }
    const mvpIds = (row.mvps as { userId: string }[][]).flat().map((s) => s.userId);
    const users = new Map<string, BattleUserRow>(
      mvpIds.length > 0 ? (await repo.users(db, [...new Set(mvpIds)])).map((u) => [u.id, u]) : [],
    );
    return { row, members, streaks, users };
  }

  async function load(id: string): Promise<ViewParts> {
    const row = await repo.findBattle(db, id);
    if (!row) throw notFound();
    return partsOf(row, await repo.members(db, [id]));
  }

  /** Sends each room (and each creator) its own view: a mist hides a score only from the other side. */
  async function announce(parts: ViewParts, giftIds?: string[]): Promise<void> {
    const now = Date.now();
    const sides = new Set(parts.members.map((m) => m.side));
    const sends: Promise<void>[] = [];
    for (const side of sides) {
      const frame: ServerFrame = {
        type: 'battle',
        battle: presentBattle(parts, rules, side, now),
        ...(giftIds ? { giftIds } : {}),
      };
      for (const m of parts.members.filter((x) => x.side === side)) {
        if (m.sessionId) sends.push(bus.publish(topics.stream(m.sessionId), frame));
        sends.push(bus.publish(topics.user(m.userId), frame));
      }
    }
    if (!giftIds) {
      const change: BattleChange = {
        battleId: parts.row.id,
        status: parts.row.status,
        sessions: parts.members.flatMap((m) => (m.sessionId ? [m.sessionId] : [])),
      };
      sends.push(bus.publish(BATTLES_TOPIC, change));
    }
    if (parts.row.status === 'ended') streakCache.delete(parts.row.id);
    await Promise.all(sends).catch((err) => log.warn({ err }, 'battle publish failed'));
  }

  /** The view of a battle for `userId`: their own side's, or an outsider's. */
  const viewFor = (parts: ViewParts, userId: string | null) =>
    presentBattle(parts, rules, parts.members.find((m) => m.userId === userId)?.side ?? null, Date.now());

  return { partsOf, load, announce, viewFor };
}

export type Views = ReturnType<typeof createViews>;
