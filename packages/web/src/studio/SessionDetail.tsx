import type { StudioSessionDetail } from '@onair/protocol';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { compactCount, durationLabel } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { Chart, type ChartMarker } from './Chart.tsx';
import { COLORS, CsvLink, dateTime, Figure, minutesLabel, pct, useLoad } from './common.tsx';

export function SessionDetailPage() {
  const { id = '' } = useParams();
  const { data, error, reload } = useLoad(() => api.studioSession(id), id);
  useDocumentTitle(data ? `Studio · ${data.title || 'LIVE'}` : 'Studio');
  // A session still LIVE keeps filling in.
  useVisibleInterval(reload, data?.live ? 5000 : null);
  if (error) return <p className="form-error">{error}</p>;
  if (!data) return <PageLoading />;
  return <SessionDetail s={data} />;
}

function SessionDetail({ s }: { s: StudioSessionDetail }) {
  const start = Date.parse(s.startedAt) / 1000;
  const charts = useMemo(() => {
    // Each minute is plotted at its middle.
    const x = s.minutes.map((m) => start + m.minute * 60 + 30);
    const markers: ChartMarker[] = [
      ...s.battles.list.map((b) => ({
        at: Date.parse(b.startedAt) / 1000,
        until: Date.parse(b.endedAt) / 1000,
        color: COLORS.battle,
        label: `Battle ${b.opponent ? `vs @${b.opponent.handle}` : ''} · ${b.result}`,
      })),
      ...s.minutes
        .filter((m) => m.gifts > 0)
        .map((m) => ({ at: start + m.minute * 60 + 30, color: COLORS.gifts })),
    ];
    return {
      x,
      markers,
      viewers: [
        { label: 'Viewers', values: s.minutes.map((m) => m.viewers), color: COLORS.viewers, fill: true },
        {
          label: 'Gift coins',
          values: s.minutes.map((m) => m.coins),
          color: COLORS.gifts,
          axis: 'right' as const,
          bars: true,
        },
      ],
      engagement: [
        { label: 'Comments', values: s.minutes.map((m) => m.comments), color: COLORS.comments },
        { label: 'Shares', values: s.minutes.map((m) => m.shares), color: COLORS.shares },
        { label: 'Follows', values: s.minutes.map((m) => m.follows), color: COLORS.followers },
        {
          label: 'Hearts',
          values: s.minutes.map((m) => m.hearts),
          color: COLORS.hearts,
          axis: 'right' as const,
        },
      ],
    };
  }, [s, start]);

  return (
    <div className="stack studio-detail" data-testid="studio-session-detail">
      <div className="studio-section-head">
        <div>
          <Link to="/studio" className="link-subtle">
            ← All sessions
          </Link>
          <h2 className="studio-detail-title">
            {s.live ? <span className="live-pill">LIVE</span> : null} {s.title || 'Untitled LIVE'}
          </h2>
          <div className="studio-muted">
            {dateTime(s.startedAt)} · {durationLabel(s.durationS)}
          </div>
        </div>
        <CsvLink dataset="minutes" sessionId={s.id} label="Export minutes (CSV)" />
      </div>

      <div className="studio-figures">
        <Figure
          label="unique viewers"
          value={compactCount(s.uniqueViewers)}
          hint={`${s.newViewers} new · ${s.returningViewers} returning`}
          testId="fig-viewers"
        />
        <Figure
          label="peak concurrent"
          value={compactCount(s.peakViewers)}
          hint={
            s.peakAt
              ? `at ${new Date(s.peakAt).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' })}`
              : undefined
          }
        />
        <Figure
          label="total watch time"
          value={minutesLabel(s.totalWatchS)}
          hint={`avg ${minutesLabel(s.avgWatchS)} per viewer`}
        />
        <Figure
          label="engagement"
          value={pct(s.engagementRate)}
          hint={`${s.engagedViewers} viewers took part`}
        />
        <Figure label="new followers" value={compactCount(s.newFollowers)} />
        <Figure label="gifts" value={compactCount(s.gifts)} hint={`${compactCount(s.coins)} coins`} />
        <Figure label="diamonds earned" value={compactCount(s.diamonds)} />
        <Figure label="left within 2 min" value={compactCount(s.earlyExits)} />
      </div>

      <section className="panel">
        <h3 className="studio-chart-title">Viewers over time</h3>
        <p className="studio-muted">Most viewers at once each minute; ◆ gifts, shaded bands are battles.</p>
        <Chart
          x={charts.x}
          series={charts.viewers}
          markers={charts.markers}
          leftLabel="viewers"
          rightLabel="coins"
          testId="chart-viewers"
          pad
        />
      </section>

      <section className="panel">
        <h3 className="studio-chart-title">Engagement per minute</h3>
        <p className="studio-muted">
          {s.commentsPerMin} comments/min · {s.heartsPerMin} hearts/min · {s.sharesPerMin} shares/min
        </p>
        <Chart
          x={charts.x}
          series={charts.engagement}
          leftLabel="per minute"
          rightLabel="hearts"
          testId="chart-engagement"
          pad
        />
      </section>

      <div className="studio-columns">
        <section className="panel">
          <h3 className="studio-chart-title">Top supporters</h3>
          {s.topSupporters.length === 0 ? (
            <p className="studio-muted">No gifts in this session.</p>
          ) : (
            <ol className="studio-people">
              {s.topSupporters.map((t) => (
                <li key={t.user.id}>
                  <Avatar user={t.user} size={28} />
                  <span className="studio-person">@{t.user.handle}</span>
                  <span className="studio-num">{compactCount(t.coins)} coins</span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="panel">
          <h3 className="studio-chart-title">Where new followers came from</h3>
          {s.followSources.length === 0 ? (
            <p className="studio-muted">No new followers in this session.</p>
          ) : (
            <ul className="studio-people">
              {s.followSources.map((f) => (
                <li key={f.sharer?.id ?? 'direct'}>
                  <span className="studio-person">
                    {f.sharer ? `Share link of @${f.sharer.handle}` : 'Directly in the LIVE'}
                  </span>
                  <span className="studio-num">{f.followers}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel">
          <h3 className="studio-chart-title">Battles</h3>
          {s.battles.list.length === 0 ? (
            <p className="studio-muted">No battles in this session.</p>
          ) : (
            <>
              <p>
                {s.battles.wins} won · {s.battles.losses} lost · {s.battles.draws} drawn
              </p>
              <ul className="studio-people">
                {s.battles.list.map((b) => (
                  <li key={b.startedAt}>
                    <span className="studio-person">vs @{b.opponent?.handle ?? 'unknown'}</span>
                    <span className={`studio-result studio-result-${b.result}`}>{b.result}</span>
                    <span className="studio-num">{compactCount(b.coins)} coins</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
