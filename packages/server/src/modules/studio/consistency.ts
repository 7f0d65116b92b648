import { type Actor, liveConsistency, normalizeTimeZone } from '@onair/core';
import type { StudioConsistency, StudioHeatmap } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import { badRequest } from '../../errors.ts';
import { eventsKeptByCreator } from '../events/consistency.read-model.ts';
import * as readModel from './studio.read-model.ts';

const DAY_MS = 86_400_000;
/** How far back a weekly streak is looked for: two years of weeks. */
const STREAK_LOOKBACK_DAYS = 730;
const WINDOW_DAYS = 28;

interface ConsistencyDeps {
  db: Db;
  now: () => number;
  heatmap(actor: Actor, q: { tzOffsetMin: number; days: number; tz: string }): Promise<StudioHeatmap>;
}

/**
 * The studio's consistency card: weekly streak and LIVE days (live sessions, in the creator's zone),
 * scheduled events kept (the events domain's read model), and the best hour to schedule the next one
 * (the heatmap's first pick, in the same zone).
 */
export function createConsistency({ db, now, heatmap }: ConsistencyDeps) {
  return async function consistency(me: Actor, tz: string): Promise<StudioConsistency> {
    const zone = normalizeTimeZone(tz);
    if (!zone) throw badRequest('studio.time_zone_invalid', `"${tz}" is not a time zone we know.`);
    const at = now();
    const since = new Date(at - WINDOW_DAYS * DAY_MS);
    const [starts, kept, map] = await Promise.all([
      readModel.liveStarts(db, me.id, new Date(at - STREAK_LOOKBACK_DAYS * DAY_MS)),
      eventsKeptByCreator(db, [me.id], since),
      heatmap(me, { tzOffsetMin: 0, days: WINDOW_DAYS, tz: zone }),
    ]);
    const { weeklyStreak, liveDays28 } = liveConsistency(starts, at, zone);
    const events = kept.get(me.id) ?? { scheduled: 0, kept: 0 };
    const best = map.best[0];
    return {
      timeZone: zone,
      weeklyStreak,
      liveDays28,
      eventsScheduled: events.scheduled,
      eventsKept: events.kept,
      keptShare: events.scheduled > 0 ? events.kept / events.scheduled : null,
      bestTime: best
        ? { weekday: Math.floor(best.hourOfWeek / 24), hour: best.hourOfWeek % 24, timeZone: zone }
        : null,
    };
  };
}
