import { type Actor, EventKind, viewIntervals } from '@onair/core';
import type { StudioLive } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import type { SessionFigures } from './session-figures.ts';
import * as readModel from './studio.read-model.ts';

export interface LiveCountersDeps {
  db: Db;
  figures: SessionFigures;
  /** The creator's LIVE session, if any (the live domain answers). */
  currentSessionOf: (creatorId: string) => Promise<string | null>;
  now: () => number;
}

/** What the live dashboard shows when the creator is not LIVE. */
const offAir = (at: number): StudioLive => ({
  live: false,
  sessionId: null,
  startedAt: null,
  viewers: 0,
  peakViewers: 0,
  uniqueViewers: 0,
  heartsPerMin: 0,
  commentsPerMin: 0,
  newFollowers: 0,
  gifts: 0,
  coins: 0,
  diamonds: 0,
  recent: [],
  at: new Date(at).toISOString(),
});

/**
 * The live dashboard's counters (`GET /studio/live`): viewers watching now, hearts and comments in
 * the last minute, and the session's figures so far, from the shared LIVE computation.
 */
export function createLiveCounters({ db, figures, currentSessionOf, now }: LiveCountersDeps) {
  return async function liveCounters(me: Actor): Promise<StudioLive> {
    const at = now();
    const sessionId = await currentSessionOf(me.id);
    const info = sessionId ? await readModel.findSession(db, sessionId) : undefined;
    if (!info || info.status === 'ended') return offAir(at);
    const c = await figures.computeLive(info);
    const startedAt = (info.liveAt ?? info.startedAt).getTime();
    const computedAt = c.computedAt.getTime();
    const open = viewIntervals(
      c.events.filter((e) => e.viewerId !== info.creatorId),
      startedAt,
      computedAt,
    );
    let viewers = 0;
    for (const list of open.values()) if (list.at(-1)!.end >= computedAt) viewers++;
    let hearts = 0;
    let comments = 0;
    for (const e of c.events) {
      if (e.at < computedAt - 60_000 || e.at >= computedAt || e.viewerId === info.creatorId) continue;
      if (e.kind === EventKind.heart) hearts += e.value;
      else if (e.kind === EventKind.comment) comments++;
    }
    return {
      live: true,
      sessionId: info.id,
      startedAt: new Date(startedAt).toISOString(),
      viewers,
      peakViewers: c.metrics.peakViewers,
      uniqueViewers: c.metrics.uniqueViewers,
      heartsPerMin: hearts,
      commentsPerMin: comments,
      newFollowers: c.metrics.newFollowers,
      gifts: c.metrics.gifts,
      coins: c.metrics.coins,
      diamonds: c.diamonds,
      recent: c.metrics.minutes.slice(-30),
      at: c.computedAt.toISOString(),
    };
  };
}
