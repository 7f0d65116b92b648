import type { FanBadge } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import type { Bus } from '../../realtime/bus.ts';
import * as repo from './fanclub.repository.ts';

// Chat asks on every comment and every join; a few seconds of staleness on another node is the price
// of not querying per message. Changes made on a node apply there at once and are announced on the
// bus, so other nodes drop theirs as soon as it delivers.
const TTL_MS = 10_000;
const MAX_ENTRIES = 100_000;
const CHANGED_TOPIC = 'onair:fanclub:changed';

interface ClubEntry {
  club: { badgeName: string; fansOnly: boolean } | null;
  at: number;
}

/**
 * What the chat needs to know about fan clubs, cached per node: a room's fans-only switch and the
 * badge (club name + level) of the people in it. Built before the chat service, which reads it.
 */
export function createFanDirectory({ db, bus }: { db: Db; bus: Bus }) {
  const clubs = new Map<string, ClubEntry>();
  const badges = new Map<string, { badge: FanBadge | null; at: number }>();
  const fresh = (at: number) => Date.now() - at < TTL_MS;
  const memberKey = (creatorId: string, fanId: string) => `${creatorId}:${fanId}`;

  function drop(creatorId: string, fanId?: string) {
    clubs.delete(creatorId);
    if (fanId) badges.delete(memberKey(creatorId, fanId));
    else for (const k of badges.keys()) if (k.startsWith(`${creatorId}:`)) badges.delete(k);
  }
  const subscribed = bus.subscribe(CHANGED_TOPIC, (m) => {
    const { creatorId, fanId } = m as { creatorId: string; fanId?: string };
    drop(creatorId, fanId);
  });

  async function club(creatorId: string): Promise<ClubEntry['club']> {
    const hit = clubs.get(creatorId);
    if (hit && fresh(hit.at)) return hit.club;
    const row = await repo.findClub(db, creatorId);
    const entry = { club: row ? { badgeName: row.badgeName, fansOnly: row.fansOnly } : null, at: Date.now() };
    if (clubs.size > MAX_ENTRIES) clubs.clear();
    clubs.set(creatorId, entry);
    return entry.club;
  }

  /** The badge of each listed user who is a member of the creator's club (absent: not a member). */
  async function badgesOf(creatorId: string, userIds: readonly string[]): Promise<Map<string, FanBadge>> {
    const out = new Map<string, FanBadge>();
    const missing: string[] = [];
    for (const id of new Set(userIds)) {
      const hit = badges.get(memberKey(creatorId, id));
      if (hit && fresh(hit.at)) {
        if (hit.badge) out.set(id, hit.badge);
      } else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await repo.badgesOf(db, creatorId, missing);
    const at = Date.now();
    if (badges.size > MAX_ENTRIES) badges.clear();
    const found = new Map(rows.map((r) => [r.fanId, { name: r.badgeName, level: r.level }]));
    for (const id of missing) {
      const badge = found.get(id) ?? null;
      badges.set(memberKey(creatorId, id), { badge, at });
      if (badge) out.set(id, badge);
    }
    return out;
  }

  return {
    club,
    badgesOf,
    async badgeOf(creatorId: string, userId: string): Promise<FanBadge | null> {
      return (await badgesOf(creatorId, [userId])).get(userId) ?? null;
    },
    async fansOnly(creatorId: string): Promise<boolean> {
      return (await club(creatorId))?.fansOnly ?? false;
    },
    /** A club or a membership changed: forget it here now, and on every other node. */
    async changed(creatorId: string, fanId?: string): Promise<void> {
      drop(creatorId, fanId);
      await subscribed;
      await bus.publish(CHANGED_TOPIC, fanId ? { creatorId, fanId } : { creatorId });
    },
  };
}

export type FanDirectory = ReturnType<typeof createFanDirectory>;
