import {
  type Actor,
  classifyViewer,
  coachingInsights,
  hourOfWeekCellsInZone,
  normalizeTimeZone,
  rotateHourOfWeek,
  slotLabel,
  type TrendBucket,
} from '@onair/core';
import {
  MAX_RANGE_DAYS,
  type StudioAudience,
  type StudioConsistency,
  type StudioExportQuery,
  type StudioHeatmap,
  type StudioInsights,
  type StudioLive,
  type StudioSessionDetail,
  type StudioSessionList,
  type StudioTrends,
  type TrendPoint,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import { createConsistency } from './consistency.ts';
import { createLiveCounters } from './live-counters.ts';
import type { MetricsRecorder } from './recorder.ts';
import { createSessionFigures } from './session-figures.ts';
import { peopleIn, presentDetail, presentSummary, presentUser } from './studio.presenter.ts';
import * as readModel from './studio.read-model.ts';
import * as repo from './studio.repository.ts';
import { studioCalendar } from './studio-calendar.ts';
import { createStudioExport } from './studio-export.ts';

export interface StudioDeps {
  db: Db;
  recorder: MetricsRecorder;
  /** Hears `live.session_ended`: the session's rollup is written before the end completes. */
  events: Pick<DomainEvents, 'on'>;
  /** The creator's LIVE session, if any (the live domain answers). */
  currentSessionOf: (creatorId: string) => Promise<string | null>;
  log: Logger;
  now?: () => number;
  /**
   * How long the end-of-session rollup waits for other nodes' recorders to write their last events
   * (they flush every few hundred ms); 0 on a single node, whose own recorder is drained first.
   */
  settleMs?: number;
}

/** The sessions the audience pages look back over (regulars are decided by the last 5 of them). */
const AUDIENCE_WINDOW = 50;
const INSIGHT_SESSIONS = 20;
const DAY_MS = 86_400_000;

/**
 * The creator studio's API: session figures (`session-figures.ts`), trends, audience, best times,
 * coaching insights, the live dashboard (`live-counters.ts`) and CSV export (`studio-export.ts`),
 * each behind the `studio.read` policy (own data only).
 */
export function createStudioService({
  db,
  recorder,
  events,
  currentSessionOf,
  log,
  now = Date.now,
  settleMs = 0,
}: StudioDeps) {
  const sessionFigures = createSessionFigures({ db, recorder, now });
  const { figures, finalizeMissing } = sessionFigures;
  const counters = createLiveCounters({ db, figures: sessionFigures, currentSessionOf, now });

  const own = (actor: Actor | null) => {
    requireAccess(actor, 'studio.read', { ownerId: actor?.id ?? '' });
    return actor;
  };

  async function ownSession(actor: Actor | null, sessionId: string) {
    const me = own(actor);
    const info = await readModel.findSession(db, sessionId);
    if (!info) throw notFound('studio.session_not_found', 'No such LIVE session.');
    requireAccess(me, 'studio.read', { ownerId: info.creatorId });
    return info;
  }

  async function detail(actor: Actor | null, sessionId: string): Promise<StudioSessionDetail> {
    const info = await ownSession(actor, sessionId);
    const f = await figures(info);
    const people = await repo.users(db, peopleIn(f.metrics, f.followSources));
    return presentDetail(info, f.metrics, f, people);
  }

  async function list(
    actor: Actor | null,
    q: { limit: number; before?: string | undefined; from?: Date; to?: Date },
  ): Promise<StudioSessionList> {
    const me = own(actor);
    const rows = await readModel.listSessions(db, me.id, {
      limit: q.limit + 1,
      before: q.before ? new Date(q.before) : undefined,
      from: q.from,
      to: q.to,
    });
    const page = rows.slice(0, q.limit);
    const sessions = await Promise.all(
      page.map(async (r) => {
        if (r.status === 'ended' && r.metrics && r.final) {
          return presentSummary(r, r.metrics, r.diamonds ?? 0);
        }
        // LIVE now, or ended before its figures were stored: compute them (and store the ended ones).
        const f = await figures(r);
        return presentSummary(r, f.metrics, f.diamonds);
      }),
    );
    const last = page.at(-1);
    return {
      sessions,
      nextCursor: rows.length > q.limit && last ? last.startedAt.toISOString() : null,
    };
  }

  function range(q: ZoneQuery & { from: string; to: string }): { from: Date; to: Date } {
    const calendar = studioCalendar(q);
    const parse = (v: string, endOfDay: boolean) => {
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
        // A calendar date is a whole day on the creator's clock (23 or 25 hours across a DST change).
        const day = calendar.day(v);
        return endOfDay ? day.end - 1 : day.start;
      }
      return Date.parse(v);
    };
    const from = parse(q.from, false);
    const to = parse(q.to, true);
    if (from > to) {
      throw new AppError('studio.range_invalid', 400, '`from` is after `to`.', {
        from: q.from,
        to: q.to,
      });
    }
    if (to - from > MAX_RANGE_DAYS * DAY_MS) {
      throw new AppError('studio.range_invalid', 400, `A range may cover at most ${MAX_RANGE_DAYS} days.`, {
        maxDays: MAX_RANGE_DAYS,
      });
    }
    return { from: new Date(from), to: new Date(to) };
  }

  async function trends(
    actor: Actor | null,
    q: ZoneQuery & { from: string; to: string; bucket: TrendBucket },
  ): Promise<StudioTrends> {
    const me = own(actor);
    const calendar = studioCalendar(q);
    const { from, to } = range(q);
    const rows = await repo.rollupsBetween(db, me.id, from, to, 10_000);
    const points = new Map<number, TrendPoint>();
    // Every bucket in the range, empty ones too, so a chart's x axis is the calendar.
    for (let t = calendar.bucketStart(from.getTime(), q.bucket); t <= to.getTime(); ) {
      points.set(t, emptyPoint(t));
      t = calendar.nextBucket(t, q.bucket);
    }
    for (const r of rows) {
      const key = calendar.bucketStart(r.startedAt.getTime(), q.bucket);
      const p = points.get(key) ?? emptyPoint(key);
      points.set(key, p);
      p.sessions++;
      p.durationS += r.metrics.durationS;
      p.uniqueViewers += r.metrics.uniqueViewers;
      p.peakViewers = Math.max(p.peakViewers, r.metrics.peakViewers);
      p.totalWatchS += r.metrics.totalWatchS;
      p.newFollowers += r.metrics.newFollowers;
      p.gifts += r.metrics.gifts;
      p.coins += r.metrics.coins;
      p.diamonds += r.diamonds;
    }
    for (const p of points.values())
      p.avgWatchS = p.uniqueViewers ? Math.round(p.totalWatchS / p.uniqueViewers) : 0;
    return {
      bucket: q.bucket,
      timeZone: calendar.timeZone,
      from: from.toISOString(),
      to: to.toISOString(),
      points: [...points.values()].sort((a, b) => a.start.localeCompare(b.start)),
    };
  }

  async function audienceRows(creatorId: string) {
    const { sessions, fans } = await readModel.fans(db, creatorId, AUDIENCE_WINDOW);
    const rank = { regular: 0, returning: 1, new: 2 } as const;
    const classified = fans
      .map((f) => ({ ...f, class: classifyViewer(f.idxs) }))
      .sort(
        (a, b) =>
          rank[a.class] - rank[b.class] ||
          b.sessions - a.sessions ||
          b.watchMs - a.watchMs ||
          a.handle.localeCompare(b.handle),
      );
    return { sessions, fans: classified };
  }

  const presentFan = (f: Awaited<ReturnType<typeof audienceRows>>['fans'][number]) => ({
    user: presentUser({
      id: f.viewerId,
      handle: f.handle,
      displayName: f.displayName,
      avatarUrl: f.avatarUrl,
    }),
    class: f.class,
    follower: f.follower,
    sessions: f.sessions,
    watchS: Math.round(f.watchMs / 1000),
    comments: f.comments,
    hearts: f.hearts,
    gifts: f.gifts,
    coins: f.coins,
    lastSeenAt: f.lastSeenAt.toISOString(),
  });

  async function audience(actor: Actor | null): Promise<StudioAudience> {
    const me = own(actor);
    await finalizeMissing(me.id);
    const [{ sessions, fans }, sharers] = await Promise.all([
      audienceRows(me.id),
      readModel.sharers(db, me.id, 20),
    ]);
    const classes = { regular: 0, returning: 0, new: 0 };
    for (const f of fans) classes[f.class]++;
    return {
      sessions,
      classes,
      supporters: fans
        .filter((f) => f.coins > 0)
        .sort((a, b) => b.coins - a.coins || b.gifts - a.gifts)
        .slice(0, 10)
        .map((f) => ({ user: presentFan(f).user, coins: f.coins, gifts: f.gifts })),
      sharers: sharers.map((s) => ({
        user: presentUser(s),
        links: s.links,
        visits: s.visits,
        follows: s.follows,
      })),
      fans: fans.slice(0, 100).map(presentFan),
    };
  }

  async function heatmap(
    actor: Actor | null,
    q: { tzOffsetMin: number; days: number; tz?: string | undefined },
  ): Promise<StudioHeatmap> {
    const me = own(actor);
    const zone = q.tz === undefined ? null : normalizeTimeZone(q.tz);
    if (q.tz !== undefined && !zone)
      throw badRequest('studio.time_zone_invalid', `"${q.tz}" is not a time zone we know.`);
    await finalizeMissing(me.id);
    const since = new Date(now() - q.days * DAY_MS);
    const { rows, followers } = await readModel.followerActivity(db, me.id, since);
    let cells: number[];
    if (zone) {
      cells = hourOfWeekCellsInZone(await readModel.followerActivityHourly(db, me.id, since), zone);
    } else {
      const utc = new Array<number>(168).fill(0);
      for (const r of rows) utc[r.how] = r.visits;
      cells = rotateHourOfWeek(utc, q.tzOffsetMin);
    }
    const best = cells
      .map((visits, hourOfWeek) => ({ hourOfWeek, label: slotLabel(hourOfWeek), visits }))
      .filter((c) => c.visits > 0)
      .sort((a, b) => b.visits - a.visits || a.hourOfWeek - b.hourOfWeek)
      .slice(0, 3);
    return { tzOffsetMin: q.tzOffsetMin, timeZone: zone, days: q.days, followers, cells, best };
  }

  async function insights(actor: Actor | null, q: ZoneQuery): Promise<StudioInsights> {
    const me = own(actor);
    const { timeZone } = studioCalendar(q);
    await finalizeMissing(me.id);
    const rows = await repo.latestRollups(db, me.id, INSIGHT_SESSIONS);
    const sessions = rows.map((r) => ({
      id: r.sessionId,
      startedAt: r.startedAt.getTime(),
      metrics: r.metrics,
    }));
    const opponents = await repo.users(
      db,
      rows.flatMap((r) => r.metrics.battles.list.map((b) => b.opponentId)),
    );
    const list = coachingInsights(sessions, {
      tzOffsetMin: q.tzOffsetMin,
      ...(timeZone ? { timeZone } : {}),
      opponentName: (id) => {
        const u = opponents.get(id);
        return u ? `@${u.handle}` : 'the same creator';
      },
    });
    return { sessions: rows.length, insights: list };
  }

  const exportCsv = createStudioExport({
    now,
    range,
    list,
    detail,
    trends,
    heatmap,
    async allFans(me) {
      await finalizeMissing(me.id);
      return (await audienceRows(me.id)).fans.map(presentFan);
    },
  });

  const consistency = createConsistency({ db, now, heatmap });

  const api = {
    recorder,
    list,
    detail,
    trends,
    audience,
    heatmap,
    insights,
    liveCounters: (actor: Actor | null): Promise<StudioLive> => counters(own(actor)),
    consistency: (actor: Actor | null, q: { tz: string }): Promise<StudioConsistency> =>
      consistency(own(actor), q.tz),
    exportCsv: (actor: Actor | null, q: StudioExportQuery): Promise<{ filename: string; body: string }> =>
      exportCsv(own(actor), q),

    /** The live domain ended a session: compute and store its figures while they are fresh. */
    async sessionEnded(sessionId: string): Promise<void> {
      sessionFigures.forgetLive(sessionId);
      if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
      const info = await readModel.findSession(db, sessionId);
      if (!info) return;
      try {
        await sessionFigures.rollUp(info);
      } catch (err) {
        // Not lost: the studio computes a missing rollup the next time the creator looks.
        log.error({ err, sessionId }, 'rolling up a session failed');
      }
    },
  };
  events.on('live.session_ended', ({ sessionId }) => api.sessionEnded(sessionId));
  return api;
}

export type StudioService = ReturnType<typeof createStudioService>;

/** `tz` (IANA) wins; `tzOffsetMin` is what older clients send. */
type ZoneQuery = { tz?: string | undefined; tzOffsetMin: number };

const emptyPoint = (t: number): TrendPoint => ({
  start: new Date(t).toISOString(),
  sessions: 0,
  durationS: 0,
  uniqueViewers: 0,
  peakViewers: 0,
  totalWatchS: 0,
  avgWatchS: 0,
  newFollowers: 0,
  gifts: 0,
  coins: 0,
  diamonds: 0,
});
