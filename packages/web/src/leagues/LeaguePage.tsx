import type { LeagueView } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BroadcastIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { shortDate } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { formatCount } from '../wallet/money.ts';
import { RoomLeaderboard } from './RoomLeaderboard.tsx';
import './leagues.css';

/** `/@handle/league`: a creator's league, their group's standings now, past periods, top gifters. */
export function LeagueRoute() {
  const { at = '' } = useParams();
  if (!at.startsWith('@')) return <NotFoundPage />;
  return <LeaguePage key={at} handle={at.slice(1).toLowerCase()} />;
}

type Load =
  | { state: 'loading' }
  | { state: 'found'; view: LeagueView }
  | { state: 'error'; message: string; missing: boolean };

const MOVE_LABEL = { up: 'Promotion zone', stay: '', down: 'Relegation zone' } as const;
const MOVE_MARK = { up: '▲', stay: '', down: '▼' } as const;

function LeaguePage({ handle }: { handle: string }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useDocumentTitle(`@${handle} · League`);
  useEffect(() => {
    let live = true;
    api.league(handle).then(
      (view) => live && setLoad({ state: 'found', view }),
      (err) =>
        live &&
        setLoad({
          state: 'error',
          message: errorMessage(err),
          missing: err instanceof OnAirError && err.status === 404,
        }),
    );
    return () => {
      live = false;
    };
  }, [handle]);

  if (load.state === 'loading') return <PageLoading />;
  if (load.state === 'error')
    return load.missing ? (
      <NotFoundPage />
    ) : (
      <div className="page">
        <FormError message={load.message} />
      </div>
    );
  const { view } = load;
  const { creator, current } = view;
  return (
    <div className="page league-page" data-testid="league-page">
      <header className="league-hero">
        <Link to={`/@${creator.handle}`} className="league-hero-who">
          <Avatar user={creator} size={56} />
          <span>
            <span className="league-hero-name">{creator.displayName}</span>
            <span className="league-hero-handle">@{creator.handle}</span>
          </span>
        </Link>
        {current ? (
          <div
            className={`league-tier-card league-${current.tier[0]!.toLowerCase()}`}
            data-testid="league-tier"
          >
            <span className="league-tier-label">League</span>
            <span className="league-tier-name">{current.tier}</span>
            {view.bestTier && view.bestTier !== current.tier ? (
              <span className="league-tier-best">Best ever {view.bestTier}</span>
            ) : null}
          </div>
        ) : null}
      </header>

      {current ? (
        <section className="league-section" aria-labelledby="league-now">
          <h2 id="league-now" className="section-title">
            This period · group {current.group}
          </h2>
          <div className="league-stats">
            <Stat label="Points" value={formatCount(current.points)} testId="league-points" />
            <Stat
              label="Rank"
              value={`${current.rank} of ${current.standings.length}`}
              testId="league-rank"
            />
            <Stat label="Ends" value={shortDate(current.period.endsAt)} />
          </div>
          <p className="muted league-rules">
            Points come from what the creator earns this period (by default one per diamond). At the end the
            top {current.promote} of each group move up a tier and the bottom {current.relegate} move down.
          </p>
          <ol className="league-standings" data-testid="league-standings">
            {current.standings.map((s) => (
              <li
                key={s.creator.id}
                className={`league-row move-${s.move}${s.creator.id === creator.id ? ' is-me' : ''}`}
                data-testid="league-row"
                data-handle={s.creator.handle}
              >
                <span className="league-rank">{s.rank}</span>
                <Link to={`/@${s.creator.handle}`} className="league-who">
                  <Avatar user={s.creator} size={32} />
                  <span className="league-who-name">{s.creator.displayName}</span>
                </Link>
                <span className="league-move" title={MOVE_LABEL[s.move]}>
                  <span aria-hidden="true">{MOVE_MARK[s.move]}</span>
                  {s.move === 'stay' ? null : <span className="visually-hidden">{MOVE_LABEL[s.move]}</span>}
                </span>
                <span className="league-points">{formatCount(s.points)}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : (
        <EmptyState level={2} icon={<BroadcastIcon size={40} />} title="Not in a league yet">
          <p>@{creator.handle} joins the league at D5 the first time they go LIVE.</p>
        </EmptyState>
      )}

      <section className="league-section" aria-labelledby="league-history">
        <h2 id="league-history" className="section-title">
          Past periods
        </h2>
        {view.history.length === 0 ? (
          <p className="muted">No finished periods yet.</p>
        ) : (
          <ul className="league-history" data-testid="league-history">
            {view.history.map((h) => (
              <li key={h.period.key} className="league-history-row">
                <span className="league-history-period">{h.period.key}</span>
                <span>
                  {h.tier} · #{h.rank} of {h.groupSize} · {formatCount(h.points)} pts
                </span>
                <span className={`league-history-move move-${h.move}`}>
                  {h.move === 'up'
                    ? `▲ to ${h.nextTier}`
                    : h.move === 'down'
                      ? `▼ to ${h.nextTier}`
                      : 'stayed'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="league-section" aria-labelledby="league-gifters">
        <h2 id="league-gifters" className="section-title">
          Top gifters in @{creator.handle}'s room
        </h2>
        <RoomLeaderboard handle={creator.handle} />
      </section>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="league-stat" data-testid={testId}>
      <span className="league-stat-value">{value}</span>
      <span className="league-stat-label">{label}</span>
    </div>
  );
}
