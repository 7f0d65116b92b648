import type { RewardMissionView, RewardPayout } from '@onair/protocol';
import { api } from '../app/api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { GiftIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { useLoad } from './common.tsx';
import './rewards.css';

/** Progress moves as LIVEs end and fans earn points; a minute is fresh enough. */
const POLL_MS = 60_000;

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (p: number) => `${fmt(p)}%`;

function dateIn(iso: string, zone: string, opts: Intl.DateTimeFormatOptions) {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, ...opts }).format(new Date(iso));
}

/** LIVE Rewards: this week's missions with progress, what each pays, and every bonus explained. */
export function Rewards() {
  useDocumentTitle('Studio · Rewards');
  const { data, error, reload } = useLoad(() => api.studioRewards(), 'rewards');
  useVisibleInterval(reload, POLL_MS);

  if (!data) return error ? <p className="form-error">{error}</p> : <PageLoading />;
  const perLive = data.missions.filter((m) => m.scope === 'live');
  const weekly = data.missions.filter((m) => m.scope === 'weekly');
  const endsOn = dateIn(data.week.end, data.timeZone, { weekday: 'long', month: 'short', day: 'numeric' });
  return (
    <div className="stack rewards-page" data-testid="studio-rewards">
      {error ? <p className="form-error">{error}</p> : null}
      <section className="panel rewards-hero">
        <div>
          <p className="rewards-eyebrow">LIVE Rewards</p>
          <h2 className="rewards-hero-title">
            Up to <span className="rewards-accent">{pct(data.maxPercent.cap)}</span> extra on the diamonds you
            earn
          </h2>
          <p className="studio-muted">
            Up to {pct(data.maxPercent.perLive)} on each LIVE, paid when it ends, plus up to{' '}
            {pct(data.maxPercent.weekly)} on the week's diamonds, paid on Monday. Week {data.week.key} ends{' '}
            {endsOn} at midnight ({data.timeZone}).
          </p>
        </div>
        <div className="rewards-hero-figures">
          <HeroFigure label="Diamonds this week" value={fmt(data.progress.diamondsThisWeek)} />
          <HeroFigure
            label="Weekly bonus so far"
            value={pct(data.weeklySoFar.percent)}
            hint={`${fmt(data.weeklySoFar.bonusDiamonds)} diamonds if the week ended now`}
          />
          <HeroFigure
            label="Paid to you so far"
            value={fmt(data.totals.bonusDiamonds)}
            hint="bonus diamonds"
          />
        </div>
      </section>

      <section className="panel" aria-labelledby="rewards-weekly-title">
        <div className="studio-section-head">
          <h2 className="section-title" id="rewards-weekly-title">
            This week's missions
          </h2>
          <span className="studio-muted">Paid on Monday on the week's diamonds</span>
        </div>
        <ul className="rewards-missions">
          {weekly.map((m) => (
            <Mission key={m.mission} m={m} />
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="rewards-live-title">
        <div className="studio-section-head">
          <h2 className="section-title" id="rewards-live-title">
            Every LIVE
          </h2>
          <span className="studio-muted">Paid when the LIVE ends, on its diamonds</span>
        </div>
        <ul className="rewards-missions">
          {perLive.map((m) => (
            <Mission key={m.mission} m={m} />
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="rewards-payouts-title">
        <div className="studio-section-head">
          <h2 className="section-title" id="rewards-payouts-title">
            Payouts
          </h2>
          <span className="studio-muted">{fmt(data.totals.payouts)} in all</span>
        </div>
        {data.payouts.length === 0 ? (
          <EmptyState icon={<GiftIcon size={44} />} title="No bonus yet">
            <p>Your first bonus is paid when a LIVE in which you earned diamonds ends.</p>
          </EmptyState>
        ) : (
          <ul className="rewards-payouts" data-testid="rewards-payouts">
            {data.payouts.map((p) => (
              <Payout key={p.id} p={p} zone={data.timeZone} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function HeroFigure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rewards-hero-figure">
      <div className="rewards-hero-value">{value}</div>
      <div className="studio-figure-label">{label}</div>
      {hint ? <div className="studio-figure-hint">{hint}</div> : null}
    </div>
  );
}

function Mission({ m }: { m: RewardMissionView }) {
  const earned = m.earnedPercent ?? 0;
  const done = m.scope === 'weekly' && earned > 0;
  // The bar fills toward the top step's threshold; per-LIVE missions show their steps instead.
  const target = m.steps.at(-1)?.min ?? 0;
  const fill = m.progress !== null && target > 0 ? Math.min(1, m.progress / target) : done ? 1 : 0;
  return (
    <li className={`rewards-mission${done ? ' is-earned' : ''}`} data-testid={`mission-${m.mission}`}>
      <div className="rewards-mission-head">
        <span className="rewards-mission-title">{m.title}</span>
        <span className="rewards-mission-pay">
          {m.scope === 'weekly' ? (
            <>
              <strong>{pct(earned)}</strong> <span className="studio-muted">of {pct(m.maxPercent)}</span>
            </>
          ) : (
            <span className="studio-muted">up to {pct(m.maxPercent)}</span>
          )}
        </span>
      </div>
      {m.scope === 'weekly' ? (
        <div
          className="rewards-bar"
          role="progressbar"
          aria-valuenow={Math.round(fill * 100)}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label={m.title}
        >
          <span style={{ width: `${Math.round(fill * 100)}%` }} />
        </div>
      ) : null}
      <div className="rewards-mission-foot">
        <span className="studio-muted">{m.progressLabel}</span>
        {m.steps.length > 0 ? (
          <span className="rewards-steps">
            {m.steps.map((s) => (
              <span
                key={s.min}
                className={`rewards-step${m.progress !== null && m.progress >= s.min ? ' is-reached' : ''}`}
              >
                {s.min === 0 ? 'any' : `${fmt(s.min)}+ ${m.unit}`} · {pct(s.percent)}
              </span>
            ))}
          </span>
        ) : null}
      </div>
    </li>
  );
}

function Payout({ p, zone }: { p: RewardPayout; zone: string }) {
  const when =
    p.kind === 'live'
      ? `LIVE of ${dateIn(p.periodStart, zone, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })}`
      : `Week ${p.periodKey}`;
  return (
    <li className="rewards-payout" data-testid="reward-payout">
      <div className="rewards-payout-head">
        <span className={`rewards-kind rewards-kind-${p.kind}`}>
          {p.kind === 'live' ? 'Per LIVE' : 'Weekly'}
        </span>
        <span className="rewards-payout-when">{when}</span>
        <span className="rewards-payout-amount">
          +{fmt(p.bonusDiamonds)} <span className="studio-muted">diamonds</span>
        </span>
      </div>
      <p className="rewards-explanation" data-testid="reward-explanation">
        {p.explanation}
      </p>
      {p.items.length > 0 ? (
        <ul className="rewards-items">
          {p.items.map((i) => (
            <li key={i.mission}>
              <strong>{pct(i.percent)}</strong> {i.label}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
