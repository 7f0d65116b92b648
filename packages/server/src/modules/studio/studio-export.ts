import { type Actor, slotLabel, type TrendBucket } from '@onair/core';
import type {
  StudioAudience,
  StudioExportQuery,
  StudioHeatmap,
  StudioSessionDetail,
  StudioSessionList,
  StudioTrends,
} from '@onair/protocol';
import { AppError } from '../../errors.ts';
import { type CsvCell, pickColumns, toCsv } from './csv.ts';

/** `tz` (IANA) wins over the older fixed `tzOffsetMin`. */
type Zone = { tz?: string | undefined; tzOffsetMin: number };

/** The studio's own reads the export turns into files (each checks access itself). */
export interface ExportSources {
  now: () => number;
  range(q: Zone & { from: string; to: string }): { from: Date; to: Date };
  list(actor: Actor, q: { limit: number; from?: Date; to?: Date }): Promise<StudioSessionList>;
  detail(actor: Actor, sessionId: string): Promise<StudioSessionDetail>;
  trends(actor: Actor, q: Zone & { from: string; to: string; bucket: TrendBucket }): Promise<StudioTrends>;
  heatmap(actor: Actor, q: Zone & { days: number }): Promise<StudioHeatmap>;
  /** Every fan of the creator (the audience page shows the top 100). */
  allFans(actor: Actor): Promise<StudioAudience['fans']>;
}

/**
 * `GET /studio/export`: one dataset as CSV, with the columns asked for. The columns are checked
 * before anything is read, so a bad request costs no query.
 */
export function createStudioExport(src: ExportSources) {
  return async function exportCsv(
    me: Actor,
    q: StudioExportQuery,
  ): Promise<{ filename: string; body: string }> {
    const stamp = new Date(src.now()).toISOString().slice(0, 10);
    const zone: Zone = { tzOffsetMin: q.tzOffsetMin, ...(q.tz !== undefined ? { tz: q.tz } : {}) };
    const out = <C extends string>(name: string, all: readonly C[], rows: Record<C, CsvCell>[]) => {
      const columns = pickColumns(all, q.columns);
      return { filename: `onair-${name}-${stamp}.csv`, body: toCsv(columns, rows) };
    };
    switch (q.dataset) {
      case 'sessions': {
        if ((q.from === undefined) !== (q.to === undefined)) {
          throw new AppError('studio.csv_invalid', 400, 'Give both `from` and `to`, or neither.');
        }
        const r = q.from && q.to ? src.range({ ...zone, from: q.from, to: q.to }) : null;
        pickColumns(SESSION_COLUMNS, q.columns);
        const { sessions } = await src.list(me, { limit: 5000, ...(r ? { from: r.from, to: r.to } : {}) });
        return out('sessions', SESSION_COLUMNS, sessions);
      }
      case 'minutes': {
        if (!q.sessionId)
          throw new AppError('studio.csv_invalid', 400, 'The minutes export needs a `sessionId`.');
        pickColumns(MINUTE_COLUMNS, q.columns);
        const d = await src.detail(me, q.sessionId);
        return out(`session-${d.id.slice(0, 8)}`, MINUTE_COLUMNS, d.minutes);
      }
      case 'trends': {
        if (!q.from || !q.to)
          throw new AppError('studio.csv_invalid', 400, 'The trends export needs `from` and `to`.');
        pickColumns(TREND_COLUMNS, q.columns);
        const t = await src.trends(me, { ...zone, from: q.from, to: q.to, bucket: q.bucket });
        return out(`trends-${q.bucket}`, TREND_COLUMNS, t.points);
      }
      case 'fans': {
        pickColumns(FAN_COLUMNS, q.columns);
        const fans = await src.allFans(me);
        return out(
          'fans',
          FAN_COLUMNS,
          fans.map((p) => ({
            handle: p.user.handle,
            displayName: p.user.displayName,
            class: p.class,
            follower: p.follower,
            sessions: p.sessions,
            watchS: p.watchS,
            comments: p.comments,
            hearts: p.hearts,
            gifts: p.gifts,
            coins: p.coins,
            lastSeenAt: p.lastSeenAt,
          })),
        );
      }
      case 'heatmap': {
        pickColumns(HEATMAP_COLUMNS, q.columns);
        const h = await src.heatmap(me, { ...zone, days: 28 });
        return out(
          'best-times',
          HEATMAP_COLUMNS,
          h.cells.map((visits, how) => ({ day: slotLabel(how).split(' ')[0]!, hour: how % 24, visits })),
        );
      }
    }
  };
}

const SESSION_COLUMNS = [
  'id',
  'title',
  'status',
  'startedAt',
  'endedAt',
  'durationS',
  'uniqueViewers',
  'peakViewers',
  'totalWatchS',
  'avgWatchS',
  'comments',
  'hearts',
  'shares',
  'newFollowers',
  'gifts',
  'coins',
  'diamonds',
  'engagementRate',
] as const;
const MINUTE_COLUMNS = [
  'minute',
  'viewers',
  'joins',
  'leaves',
  'comments',
  'hearts',
  'shares',
  'follows',
  'gifts',
  'coins',
] as const;
const TREND_COLUMNS = [
  'start',
  'sessions',
  'durationS',
  'uniqueViewers',
  'peakViewers',
  'totalWatchS',
  'avgWatchS',
  'newFollowers',
  'gifts',
  'coins',
  'diamonds',
] as const;
const FAN_COLUMNS = [
  'handle',
  'displayName',
  'class',
  'follower',
  'sessions',
  'watchS',
  'comments',
  'hearts',
  'gifts',
  'coins',
  'lastSeenAt',
] as const;
const HEATMAP_COLUMNS = ['day', 'hour', 'visits'] as const;
