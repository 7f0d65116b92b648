import type { StudioLive, StudioSessionSummary } from '@onair/protocol';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { StudioIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { compactCount, durationLabel } from '../lib/format.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { Chart } from './Chart.tsx';
import { COLORS, CsvLink, dateTime, Figure, minutesLabel, pct, STUDIO_TZ, useLoad } from './common.tsx';

/** How often the live dashboard asks for fresh counters while you are LIVE. */
const LIVE_POLL_MS = 3000;

export function Overview() {
  const sessions = useLoad(() => api.studioSessions({ limit: 50 }), 'sessions');
  const insights = useLoad(() => api.studioInsights({ tz: STUDIO_TZ }), 'insights');

  if (sessions.error) return <p className="form-error">{sessions.error}</p>;
  if (!sessions.data) return <PageLoading />;
  if (sessions.data.sessions.length === 0) {
    return (
      <EmptyState
        icon={<StudioIcon size={44} />}
        title="No LIVE sessions yet"
        actions={
          <Link to="/go-live" className="btn btn-secondary btn-lg">
            Get ready to go LIVE
          </Link>
        }
      >
        <p>Your LIVE sessions and metrics will appear here after your first LIVE.</p>
      </EmptyState>
    );
  }
  return (
    <div className="stack studio-overview">
      <LiveDashboard />
      {insights.data && insights.data.insights.length > 0 ? (
        <section className="panel" data-testid="studio-insights">
          <h2 className="section-title">Coaching</h2>
          <ul className="studio-insights">
            {insights.data.insights.map((i) => (
              <li key={i.id} className={`studio-insight studio-insight-${i.kind}`}>
                <div className="studio-insight-title">{i.title}</div>
                <p className="studio-insight-why">{i.explanation}</p>
                <p className="studio-insight-action">
                  <strong>Try this:</strong> {i.action}
                </p>
                <div className="studio-insight-metric">
                  {i.metric.name} = {i.metric.value} (threshold {i.metric.threshold})
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : insights.data ? (
        <section className="panel" data-testid="studio-insights">
          <h2 className="section-title">Coaching</h2>
          <p className="studio-muted">
            Nothing to flag yet. Tips appear once a session has at least 5 viewers, or you have 3 sessions to
            compare.
          </p>
        </section>
      ) : null}
      <section className="panel">
        <div className="studio-section-head">
          <h2 className="section-title">Sessions</h2>
          <CsvLink dataset="sessions" />
        </div>
        <SessionTable sessions={sessions.data.sessions} />
      </section>
    </div>
  );
}

function SessionTable({ sessions }: { sessions: StudioSessionSummary[] }) {
  return (
    <div className="studio-table-wrap">
      <table className="studio-table" data-testid="studio-sessions">
        <thead>
          <tr>
            <th>Session</th>
            <th>Duration</th>
            <th>Viewers</th>
            <th>Peak</th>
            <th>Avg watch</th>
            <th>Engaged</th>
            <th>New followers</th>
            <th>Gifts</th>
            <th>Diamonds</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/studio/sessions/${s.id}`} className="studio-session-link">
                  {s.status !== 'ended' ? <span className="live-pill">LIVE</span> : null}{' '}
                  {s.title || 'Untitled LIVE'}
                </Link>
                <div className="studio-muted">{dateTime(s.startedAt)}</div>
              </td>
              <td>{durationLabel(s.durationS)}</td>
              <td>{compactCount(s.uniqueViewers)}</td>
              <td>{compactCount(s.peakViewers)}</td>
              <td>{minutesLabel(s.avgWatchS)}</td>
              <td>{pct(s.engagementRate)}</td>
              <td>{compactCount(s.newFollowers)}</td>
              <td>{compactCount(s.gifts)}</td>
              <td>{compactCount(s.diamonds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * While you are LIVE: current viewers, hearts and comments in the last minute, new followers and
 * gifts, polled every few seconds (one cheap request; works the same on every node).
 */
function LiveDashboard() {
  const [live, setLive] = useState<StudioLive | null>(null);
  const refresh = () => {
    api
      .studioLive()
      .then(setLive)
      .catch(() => undefined);
  };
  useVisibleInterval(refresh, LIVE_POLL_MS);
  // First read at once rather than after the first interval.
  useEffect(refresh, []);
  const chart = useMemo(() => {
    if (!live?.live || !live.startedAt) return null;
    const start = Date.parse(live.startedAt) / 1000;
    return {
      x: live.recent.map((m) => start + m.minute * 60),
      series: [
        { label: 'Viewers', values: live.recent.map((m) => m.viewers), color: COLORS.viewers, fill: true },
        {
          label: 'Hearts',
          values: live.recent.map((m) => m.hearts),
          color: COLORS.hearts,
          axis: 'right' as const,
        },
      ],
    };
  }, [live]);
  if (!live?.live) return null;
  return (
    <section className="panel studio-live" data-testid="studio-live">
      <div className="studio-section-head">
        <h2 className="section-title">
          <span className="live-pill">LIVE</span> Right now
        </h2>
        {live.sessionId ? (
          <Link to={`/studio/sessions/${live.sessionId}`} className="btn btn-ghost btn-sm">
            Details
          </Link>
        ) : null}
      </div>
      <div className="studio-figures">
        <Figure label="watching now" value={compactCount(live.viewers)} testId="live-viewers" />
        <Figure label="hearts / min" value={compactCount(live.heartsPerMin)} />
        <Figure label="comments / min" value={compactCount(live.commentsPerMin)} />
        <Figure label="new followers" value={compactCount(live.newFollowers)} />
        <Figure
          label="gifts"
          value={compactCount(live.gifts)}
          hint={`${compactCount(live.diamonds)} diamonds`}
        />
        <Figure label="peak viewers" value={compactCount(live.peakViewers)} />
      </div>
      {chart && chart.x.length > 1 ? (
        <Chart x={chart.x} series={chart.series} height={160} rightLabel="hearts" />
      ) : null}
    </section>
  );
}
