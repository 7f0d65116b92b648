import { type FanMission, type Interval, viewIntervals } from '@onair/core';
import type { Logger } from 'pino';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { FanMissions } from './fan-missions.ts';
import { RECONCILE_WINDOW_MS, reconcileGifts } from './gift-reconcile.ts';
import { memberViews } from './watch.read-model.ts';

export const WATCH_JOB = 'fanclub.watch';

/** The watch missions and the minutes of one LIVE at which each is reached. */
export const WATCH_MARKS: readonly { mission: FanMission; ms: number }[] = [
  { mission: 'watch5', ms: 5 * 60_000 },
  { mission: 'watch15', ms: 15 * 60_000 },
  { mission: 'watch30', ms: 30 * 60_000 },
];

/** The instant a viewer's merged intervals add up to `ms` of watching, or null if they do not. */
export function reachedAt(intervals: readonly Interval[], ms: number): number | null {
  let left = ms;
  for (const i of intervals) {
    const len = i.end - i.start;
    if (len >= left) return i.start + left;
    left -= len;
  }
  return null;
}

/**
 * Watch missions as a durable job per LIVE session: while the session is LIVE the job runs every
 * `checkMs`, reads the members' view stretches the room hub recorded and grants each mark reached
 * (its source is `watch15:<session>`, so a mark counts once per LIVE however often the job looks).
 * When the session ends one last run counts up to its end. The grants run in the job's transaction:
 * a run that fails leaves nothing half-granted, and the next run tries again.
 */
export function registerWatchMissions(deps: {
  jobs: Jobs;
  events: Pick<DomainEvents, 'on'>;
  missions: FanMissions;
  checkMs: number;
  now: () => number;
  log: Pick<Logger, 'warn'>;
  /** A club gift's sender joined here rather than in the listener (after a crash): follow etc. */
  onJoined: (creatorId: string, fanId: string) => Promise<void>;
}) {
  const { jobs, missions, checkMs, now, log } = deps;

  deps.events.on('live.session_started', ({ sessionId }) =>
    jobs.schedule(WATCH_JOB, sessionId, now() + checkMs, { sessionId }),
  );
  // Views stop counting at the end: a final run, brought forward to now.
  deps.events.on('live.session_ended', ({ sessionId }) =>
    jobs.schedule(WATCH_JOB, sessionId, now(), { sessionId }),
  );

  jobs.register<{ sessionId: string }>(WATCH_JOB, async ({ job, trx, afterCommit }) => {
    const { sessionId } = job.payload;
    const at = now();
    const out = await awardWatchMarks(missions, trx, sessionId, at);
    if (out.creatorId) {
      const creatorId = out.creatorId;
      const joined = await reconcileGifts(
        trx,
        missions,
        sessionId,
        creatorId,
        at - RECONCILE_WINDOW_MS,
        at + 1,
      );
      for (const fanId of joined)
        afterCommit(() =>
          deps
            .onJoined(creatorId, fanId)
            .catch((err: unknown) => log.warn({ err, fanId }, 'fan join follow-up failed')),
        );
    }
    if (out.live) await jobs.schedule(WATCH_JOB, sessionId, at + checkMs, { sessionId }, trx);
  });
}

/** One pass over a session's member views; what it granted, and whether the session is still LIVE. */
export async function awardWatchMarks(
  missions: FanMissions,
  trx: Parameters<FanMissions['grant']>[1] & object,
  sessionId: string,
  nowMs: number,
): Promise<{ live: boolean; granted: number; creatorId: string | null }> {
  const views = await memberViews(trx, sessionId);
  if (!views) return { live: false, granted: 0, creatorId: null };
  const to = Math.min(views.to ?? nowMs, nowMs);
  let granted = 0;
  for (const [fanId, all] of viewIntervals(views.events, views.from, to)) {
    const joined = views.joinedAt.get(fanId) ?? views.from;
    const intervals = all
      .map((i) => ({ start: Math.max(i.start, joined), end: i.end }))
      .filter((i) => i.end > i.start);
    for (const mark of WATCH_MARKS) {
      const at = reachedAt(intervals, mark.ms);
      if (at === null) break;
      const out = await missions.grant(
        {
          creatorId: views.creatorId,
          fanId,
          mission: mark.mission,
          quantity: 1,
          source: `${mark.mission}:${sessionId}`,
          at: new Date(at),
        },
        trx,
      );
      if (out.kind === 'granted') granted += out.points;
    }
  }
  return { live: views.to === null, granted, creatorId: views.creatorId };
}
