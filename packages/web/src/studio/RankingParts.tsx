import type { RankingSignal, StudioRanking } from '@onair/protocol';
import { useMemo } from 'react';
import { Chart } from './Chart.tsx';
import { COLORS, Figure, pct } from './common.tsx';

type Config = NonNullable<StudioRanking['config']>;
type Advice = NonNullable<StudioRanking['advice']>;

/** Score and contributions read as points out of 100 (the freshness boost can add up to 10 more). */
const points = (share: number) => (share * 100).toFixed(1);

const SIGNAL_LABELS: Record<RankingSignal['signal'], string> = {
  engagement: 'Engagement',
  watchTime: 'Watch time',
  newFollowers: 'New followers',
  consistency: 'Consistency',
  retention: 'Returning viewers',
};

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** "#3 of 41 LIVE now", the score, and why the score may read higher than its signals. */
export function RankingHero({ r }: { r: StudioRanking }) {
  return (
    <section className="panel rank-hero" aria-label="Your place in For You">
      <div className="rank-hero-place">
        <div className="rank-position" data-testid="rank-position">
          #{r.position ?? '–'}
        </div>
        <div className="rank-position-of">
          of {r.rooms} LIVE now
          <span className="studio-muted">
            in For You{r.computedAt ? ` · as of ${clock(r.computedAt)}` : ''}
          </span>
        </div>
      </div>
      <div className="studio-figures rank-hero-figures">
        <Figure
          label="score"
          value={r.score === null ? '–' : points(r.score)}
          hint="points out of 100"
          testId="rank-score"
        />
        {r.freshness > 0 ? (
          <Figure
            label="new LIVE boost"
            value={`+${points(r.freshness)}`}
            hint="fades over the first minutes"
          />
        ) : null}
        {r.explorer ? (
          <Figure label="new creator" value="Yes" hint="you also get exploration slots in For You" />
        ) : null}
      </div>
    </section>
  );
}

/** The one thing that would lift the score most, quoting the creator's own figure. */
export function AdviceCallout({ advice }: { advice: Advice }) {
  return (
    <section className="rank-advice" data-testid="rank-advice" aria-labelledby="rank-advice-title">
      <h2 className="rank-advice-title" id="rank-advice-title">
        What would lift you most
      </h2>
      <p className="rank-advice-message">{advice.message}</p>
      {advice.gain > 0 ? (
        <p className="rank-advice-gain">
          {SIGNAL_LABELS[advice.signal]}: up to +{points(advice.gain)} points still to earn
        </p>
      ) : null}
    </section>
  );
}

/** One row per signal: its value, where it stands among the rooms LIVE now, and the points it earns. */
export function SignalList({
  signals,
  adviceSignal,
}: {
  signals: RankingSignal[];
  adviceSignal: RankingSignal['signal'] | null;
}) {
  return (
    <ul className="rank-signals">
      {signals.map((s) => (
        <li
          key={s.signal}
          className={`rank-signal${s.signal === adviceSignal ? ' is-advice' : ''}`}
          data-testid="rank-signal"
          data-signal={s.signal}
        >
          <div className="rank-signal-name">
            <span className="rank-signal-label">{s.label}</span>
            <span className="rank-signal-value">{s.display}</span>
          </div>
          <div className="rank-signal-standing">
            <meter
              className="rank-bar"
              min={0}
              max={1}
              value={s.percentile}
              aria-label={`${s.label}: percentile among rooms LIVE now`}
            >
              {pct(s.percentile)}
            </meter>
            <span className="rank-signal-pct">Ahead of {pct(s.percentile)} of rooms</span>
          </div>
          <div className="rank-signal-points">
            <span className="rank-signal-earned">+{points(s.contribution)}</span>
            <span className="studio-muted"> of {points(s.weight)} pts</span>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The score minute by minute over a LIVE, with the position on the right-hand axis. */
export function ScoreChart({ history, title }: { history: StudioRanking['history']; title: string }) {
  const chart = useMemo(
    () => ({
      x: history.map((h) => Date.parse(h.at) / 1000),
      series: [
        {
          label: 'Score (points)',
          values: history.map((h) => Number(points(h.score))),
          color: COLORS.hearts,
          fill: true,
        },
        {
          label: 'Position',
          values: history.map((h) => h.position),
          color: COLORS.viewers,
          axis: 'right' as const,
        },
      ],
    }),
    [history],
  );
  const last = history[history.length - 1];
  return (
    <section className="panel" aria-labelledby="rank-chart-title">
      <div className="studio-section-head">
        <h2 className="section-title studio-chart-title" id="rank-chart-title">
          {title}
        </h2>
        {last ? (
          <span className="studio-muted">
            Last minute: {points(last.score)} points, #{last.position} of {last.rooms}
          </span>
        ) : null}
      </div>
      {history.length > 1 ? (
        <Chart
          x={chart.x}
          series={chart.series}
          height={200}
          leftLabel="points"
          rightLabel="position"
          rightIsRank
          testId="chart-ranking"
        />
      ) : (
        <p className="studio-muted">The chart fills in minute by minute while you are LIVE.</p>
      )}
    </section>
  );
}

/** Admins only: the weights and knobs the ranking runs with (set by RANKING_* variables). */
export function RankingConfigTable({ config }: { config: Config }) {
  const rows: [string, string][] = [
    ...(Object.entries(config.weights) as [RankingSignal['signal'], number][]).map(
      ([signal, weight]): [string, string] => [`Weight: ${SIGNAL_LABELS[signal]}`, String(weight)],
    ),
    ['Engagement window', `${Math.round(config.windowMs / 60_000)} min`],
    ['Minimum watch to count', `${Math.round(config.minWatchMs / 1000)} s`],
    ['Hearts counted per viewer', String(config.heartCapPerViewer)],
    ['Gift coins counted per sender', String(config.giftCoinCapPerSender)],
    [
      'New LIVE boost',
      `${points(config.freshnessBoost)} points, fading over ${Math.round(config.freshnessMs / 60_000)} min`,
    ],
    ['Exploration share of each page', pct(config.explorationShare)],
    ['Newcomer: fewer followers than', String(config.explorationMaxFollowers)],
    ['Recomputed every', `${config.intervalMs / 1000} s`],
  ];
  return (
    <section className="panel" data-testid="rank-config" aria-labelledby="rank-config-title">
      <div className="studio-section-head">
        <h2 className="section-title" id="rank-config-title">
          Ranking settings
        </h2>
        <span className="badge badge-admin">Admin</span>
      </div>
      <div className="studio-table-wrap">
        <table className="studio-table rank-config-table">
          <tbody>
            {rows.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
