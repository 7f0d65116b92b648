import { type FanClubRules, fanLevel } from '@onair/core';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { FanDirectory } from './fan-directory.ts';
import { type GrantOutcome, grantMission, grantMissionIn, type MissionEvent } from './fan-points.ts';

export interface FanMissionsDeps {
  db: Db;
  directory: FanDirectory;
  /** The creator of a LIVE session (the live domain's answer; a session never changes creator). */
  creatorOf: (sessionId: string) => Promise<string | null>;
  rules: FanClubRules;
  /** IANA zone whose local days bound the daily caps. */
  zone: string;
  log: Pick<Logger, 'warn'>;
  now: () => number;
}

/**
 * Where mission events come from and how they are granted. Every source is a record the server made
 * itself — a comment or share the room log numbered, a gift the ledger committed, a view the room hub
 * captured — so no client frame or request can claim a mission.
 */
export function createFanMissions(deps: FanMissionsDeps) {
  const { db, directory, rules, zone, log, now } = deps;
  const creators = new Map<string, string>();

  async function creatorOf(sessionId: string): Promise<string | null> {
    const hit = creators.get(sessionId);
    if (hit) return hit;
    const id = await deps.creatorOf(sessionId);
    if (id) {
      if (creators.size > 50_000) creators.clear();
      creators.set(sessionId, id);
    }
    return id;
  }

  /** A level change shows beside the member's name: their cached badge goes, on every node. */
  async function after(e: MissionEvent, out: GrantOutcome): Promise<GrantOutcome> {
    if (
      out.kind === 'granted' &&
      out.points > 0 &&
      fanLevel(out.total - out.points, rules).level !== out.level
    )
      await directory.changed(e.creatorId, e.fanId);
    return out;
  }

  async function grant(e: MissionEvent, trx?: Db): Promise<GrantOutcome> {
    const out = trx ? await grantMissionIn(trx, e, rules, zone) : await grantMission(db, e, rules, zone);
    return after(e, out);
  }

  /** Comments and shares of members, from the room log; never awaited by the room. */
  async function fromRoom(sessionId: string, fanId: string, mission: 'comment' | 'share', source: string) {
    const creatorId = await creatorOf(sessionId);
    if (!creatorId || creatorId === fanId) return;
    // Non-members are the common case: the cached directory answers without a transaction.
    if (!(await directory.badgeOf(creatorId, fanId))) return;
    await grant({ creatorId, fanId, mission, quantity: 1, source, at: new Date(now()) });
  }

  return {
    creatorOf,
    grant,
    /** Taps the room log: after a comment or share is numbered, its author's mission is granted. */
    tapRoomLog(roomLog: RoomLog): RoomLog {
      return {
        since: (room, seq) => roomLog.since(room, seq),
        head: (room) => roomLog.head(room),
        async append(room, body) {
          const event = await roomLog.append(room, body);
          const granted =
            body.kind === 'comment'
              ? fromRoom(room, body.comment.user.id, 'comment', `comment:${body.comment.id}`)
              : body.kind === 'share'
                ? fromRoom(room, body.user.id, 'share', `share:${room}:${event.seq}`)
                : null;
          granted?.catch((err: unknown) => log.warn({ err, room }, 'fan mission grant failed'));
          return event;
        },
      };
    },
  };
}

export type FanMissions = ReturnType<typeof createFanMissions>;
