import { computeSessionMetrics, EventKind, type MetricEvent, type SessionMetrics } from '@onair/core';
import type { Db } from '../../db/database.ts';
import type { MetricsRecorder } from './recorder.ts';
import * as readModel from './studio.read-model.ts';
import * as repo from './studio.repository.ts';

/** A LIVE session's figures are recomputed from its events at most this often, however many tabs poll. */
const LIVE_TTL_MS = 2_000;

export interface Computed {
  info: readModel.SessionInfo;
  metrics: SessionMetrics;
  diamonds: number;
  followSources: repo.FollowSource[];
  computedAt: Date;
  events: MetricEvent[];
}

export interface SessionFiguresDeps {
  db: Db;
  recorder: MetricsRecorder;
  now: () => number;
}

/**
 * A session's figures from its raw events: computed on demand (and shared for a moment) while it is
 * LIVE, computed once and stored as its rollup when it has ended.
 */
export function createSessionFigures({ db, recorder, now }: SessionFiguresDeps) {
  const liveCache = new Map<string, { at: number; result: Promise<Computed> }>();

  /** Every figure of one session from its raw events; stored when `save` (ended sessions). */
  async function compute(info: readModel.SessionInfo, save: boolean): Promise<Computed> {
    await recorder.drain();
    const startedAt = (info.liveAt ?? info.startedAt).getTime();
    const endedAt = info.endedAt?.getTime() ?? now();
    const [recorded, battles] = await Promise.all([
      readModel.loadEvents(db, info.id),
      readModel.battleEvents(db, info.id),
    ]);
    const events = battles.length > 0 ? [...recorded, ...battles] : recorded;
    const watchers = new Set<string>();
    for (const e of events) if (e.kind === EventKind.viewStart) watchers.add(e.viewerId);
    const prior = await repo.priorViewers(db, info.creatorId, info.liveAt ?? info.startedAt, [...watchers]);
    const { metrics, viewers } = computeSessionMetrics({
      creatorId: info.creatorId,
      startedAt,
      endedAt,
      events,
      priorViewers: prior,
    });
    const followers = viewers.filter((v) => v.followed).map((v) => v.viewerId);
    const [diamonds, followSources] = await Promise.all([
      readModel.diamondsOf(db, info.id),
      readModel.followSources(db, info.creatorId, followers),
    ]);
    if (save) {
      await repo.saveRollup(
        db,
        {
          sessionId: info.id,
          creatorId: info.creatorId,
          startedAt: info.liveAt ?? info.startedAt,
          endedAt: info.endedAt,
          final: info.status === 'ended',
          diamonds,
          metrics,
          followSources,
        },
        viewers,
      );
    }
    return { info, metrics, diamonds, followSources, computedAt: new Date(now()), events };
  }

  /** A LIVE session's figures, shared by every request within LIVE_TTL_MS. */
  function computeLive(info: readModel.SessionInfo): Promise<Computed> {
    const hit = liveCache.get(info.id);
    if (hit && now() - hit.at < LIVE_TTL_MS) return hit.result;
    const result = compute(info, false);
    liveCache.set(info.id, { at: now(), result });
    result.catch(() => liveCache.delete(info.id));
    if (liveCache.size > 1000) liveCache.clear();
    return result;
  }

  return {
    computeLive,

    /** The stored figures of an ended session, computed (and stored) first if they never were. */
    async figures(info: readModel.SessionInfo): Promise<Omit<Computed, 'events'>> {
      if (info.status !== 'ended') return computeLive(info);
      const stored = await repo.findRollup(db, info.id);
      if (stored?.final) {
        return {
          info,
          metrics: stored.metrics,
          diamonds: stored.diamonds,
          followSources: stored.followSources,
          computedAt: stored.computedAt,
        };
      }
      return compute(info, true);
    },

    /** Computes and stores an ended session's rollup. */
    rollUp: (info: readModel.SessionInfo): Promise<Computed> => compute(info, true),

    /** Ended sessions the server never rolled up (it stopped first): a few per request, newest first. */
    async finalizeMissing(creatorId: string): Promise<void> {
      for (const id of await readModel.endedWithoutRollup(db, creatorId, 5)) {
        const info = await readModel.findSession(db, id);
        if (info) await compute(info, true);
      }
    },

    /** The session ended: its LIVE figures are no longer current. */
    forgetLive(sessionId: string): void {
      liveCache.delete(sessionId);
    },
  };
}

export type SessionFigures = ReturnType<typeof createSessionFigures>;
