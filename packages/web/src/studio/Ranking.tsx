import type { StudioRanking } from '@onair/protocol';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { BroadcastIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { useLoad } from './common.tsx';
import { AdviceCallout, RankingConfigTable, RankingHero, ScoreChart, SignalList } from './RankingParts.tsx';
import './ranking.css';

/** The server ranks every 5 s by default: reading more often than that shows nothing new. */
const LIVE_POLL_MS = 5000;
/** Off air, only to notice going LIVE without a reload. */
const IDLE_POLL_MS = 15_000;

interface Loaded {
  ranking: StudioRanking;
  /** LIVE, but the ranking has not reached this LIVE yet (its first round is seconds away). */
  onAir: boolean;
}

async function loadRanking(): Promise<Loaded> {
  const ranking = await api.studioRanking();
  if (ranking.live) return { ranking, onAir: true };
  // Only picks which empty state to show: if it fails, show "not LIVE" rather than an error.
  const onAir = await api
    .studioLive()
    .then((l) => l.live)
    .catch(() => false);
  return { ranking, onAir };
}

/** "Why am I ranked here": your place in For You, signal by signal, and what would lift it most. */
export function Ranking() {
  useDocumentTitle('Studio · Ranking');
  const { data, error, reload } = useLoad(loadRanking, 'ranking');
  useVisibleInterval(reload, data?.onAir ? LIVE_POLL_MS : IDLE_POLL_MS);

  if (!data) return error ? <p className="form-error">{error}</p> : <PageLoading />;
  const { ranking, onAir } = data;
  return (
    <div className="stack rank-page" data-testid="studio-ranking">
      {error ? <p className="form-error">{error}</p> : null}
      {ranking.live ? <LiveRanking r={ranking} /> : <OffAir r={ranking} onAir={onAir} />}
      {ranking.config ? <RankingConfigTable config={ranking.config} /> : null}
    </div>
  );
}

function LiveRanking({ r }: { r: StudioRanking }) {
  return (
    <>
      <RankingHero r={r} />
      {r.advice ? <AdviceCallout advice={r.advice} /> : null}
      <section className="panel" aria-labelledby="rank-signals-title">
        <div className="studio-section-head">
          <h2 className="section-title" id="rank-signals-title">
            Signal by signal
          </h2>
          <span className="studio-muted">Each signal ranks you against the rooms LIVE now.</span>
        </div>
        <SignalList signals={r.signals} adviceSignal={r.advice?.signal ?? null} />
      </section>
      <ScoreChart history={r.history} title="Your score this LIVE" />
    </>
  );
}

function OffAir({ r, onAir }: { r: StudioRanking; onAir: boolean }) {
  return (
    <>
      <section className="panel" data-testid="rank-off-air">
        {onAir ? (
          <EmptyState icon={<BroadcastIcon size={44} />} title="Ranking your LIVE…">
            <p>
              The rooms LIVE now are ranked every few seconds: your place in For You appears here in a moment.
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={<BroadcastIcon size={44} />}
            title="You're not LIVE right now"
            actions={
              <Link to="/go-live" className="btn btn-primary btn-lg">
                Go LIVE
              </Link>
            }
          >
            <p>
              For You ranks the rooms LIVE now ({r.rooms} at the moment). Go LIVE to see where you stand,
              signal by signal, and what would lift you most.
            </p>
          </EmptyState>
        )}
      </section>
      {r.history.length > 0 ? (
        <ScoreChart
          history={r.history}
          title={onAir ? 'Your score this LIVE' : 'Your score over your last LIVE'}
        />
      ) : null}
    </>
  );
}
