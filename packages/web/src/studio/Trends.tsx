import { useMemo, useState } from 'react';
import { api } from '../app/api.ts';
import { PageLoading } from '../components/PageLoading.tsx';
import { compactCount } from '../lib/format.ts';
import { Chart } from './Chart.tsx';
import { COLORS, CsvLink, Figure, minutesLabel, STUDIO_TZ, useLoad } from './common.tsx';

type Bucket = 'day' | 'week' | 'month';
const RANGES: { days: number; label: string; bucket: Bucket }[] = [
  { days: 14, label: '14 days', bucket: 'day' },
  { days: 30, label: '30 days', bucket: 'day' },
  { days: 90, label: '90 days', bucket: 'week' },
  { days: 365, label: '1 year', bucket: 'month' },
];

const localDate = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function Trends() {
  const [range, setRange] = useState(RANGES[1]!);
  const [bucket, setBucket] = useState<Bucket>(range.bucket);
  const query = useMemo(
    () => ({
      from: localDate(Date.now() - (range.days - 1) * 86_400_000),
      to: localDate(Date.now()),
      bucket,
      tz: STUDIO_TZ,
    }),
    [range, bucket],
  );
  const { data, error } = useLoad(() => api.studioTrends(query), JSON.stringify(query));
  const charts = useMemo(() => {
    if (!data) return null;
    const x = data.points.map((p) => Date.parse(p.start) / 1000);
    // Hours read better once a bucket holds more than a couple of them.
    const hours = Math.max(0, ...data.points.map((p) => p.totalWatchS)) > 7200;
    return {
      x,
      watch: [
        {
          label: hours ? 'Watch time (hours)' : 'Watch time (minutes)',
          values: data.points.map((p) => Math.round((p.totalWatchS / (hours ? 3600 : 60)) * 10) / 10),
          color: COLORS.watch,
          bars: true,
        },
      ],
      watchUnit: hours ? 'hours' : 'minutes',
      followers: [
        {
          label: 'New followers',
          values: data.points.map((p) => p.newFollowers),
          color: COLORS.followers,
          bars: true,
        },
      ],
      diamonds: [
        { label: 'Diamonds', values: data.points.map((p) => p.diamonds), color: COLORS.diamonds, bars: true },
      ],
    };
  }, [data]);
  const totals = useMemo(() => {
    const sum = (f: (p: NonNullable<typeof data>['points'][number]) => number) =>
      data?.points.reduce((n, p) => n + f(p), 0) ?? 0;
    return {
      sessions: sum((p) => p.sessions),
      watch: sum((p) => p.totalWatchS),
      followers: sum((p) => p.newFollowers),
      diamonds: sum((p) => p.diamonds),
    };
  }, [data]);

  return (
    <div className="stack" data-testid="studio-trends">
      <div className="studio-section-head">
        <div className="studio-toggle">
          {RANGES.map((r) => (
            <button
              key={r.days}
              type="button"
              className={`btn btn-sm ${r === range ? 'btn-primary' : 'btn-ghost'}`}
              onClick={() => {
                setRange(r);
                setBucket(r.bucket);
              }}
            >
              {r.label}
            </button>
          ))}
        </div>
        <div className="studio-toggle">
          {(['day', 'week', 'month'] as const).map((b) => (
            <button
              key={b}
              type="button"
              className={`btn btn-sm ${b === bucket ? 'btn-primary' : 'btn-ghost'}`}
              onClick={() => setBucket(b)}
            >
              per {b}
            </button>
          ))}
        </div>
        <CsvLink dataset="trends" from={query.from} to={query.to} bucket={bucket} tz={STUDIO_TZ} />
      </div>
      {error ? <p className="form-error">{error}</p> : null}
      <div className="studio-figures">
        <Figure label="sessions" value={compactCount(totals.sessions)} />
        <Figure label="watch time" value={minutesLabel(totals.watch)} />
        <Figure label="new followers" value={compactCount(totals.followers)} />
        <Figure label="diamonds" value={compactCount(totals.diamonds)} />
      </div>
      {charts ? (
        <>
          <section className="panel">
            <h3 className="studio-chart-title">Watch time</h3>
            <Chart
              x={charts.x}
              series={charts.watch}
              height={200}
              leftLabel={charts.watchUnit}
              testId="chart-trend-watch"
            />
          </section>
          <section className="panel">
            <h3 className="studio-chart-title">New followers</h3>
            <Chart
              x={charts.x}
              series={charts.followers}
              height={200}
              leftLabel="followers"
              testId="chart-trend-followers"
            />
          </section>
          <section className="panel">
            <h3 className="studio-chart-title">Diamonds earned</h3>
            <Chart
              x={charts.x}
              series={charts.diamonds}
              height={200}
              leftLabel="diamonds"
              testId="chart-trend-diamonds"
            />
          </section>
        </>
      ) : (
        <PageLoading />
      )}
    </div>
  );
}
