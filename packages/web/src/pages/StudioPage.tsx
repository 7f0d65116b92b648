import { Link, NavLink, Route, Routes } from 'react-router';
import { useSession } from '../app/session.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { StudioIcon } from '../components/Icons.tsx';
import { StudioEvents } from '../events/StudioEvents.tsx';
import { StudioFans } from '../fanclub/StudioFans.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { Audience, BestTimes } from '../studio/Audience.tsx';
import { Overview } from '../studio/Overview.tsx';
import { Ranking } from '../studio/Ranking.tsx';
import { Rewards } from '../studio/Rewards.tsx';
import { SessionDetailPage } from '../studio/SessionDetail.tsx';
import { Trends } from '../studio/Trends.tsx';
import '../studio/studio.css';

const TABS = [
  { to: '/studio', label: 'Overview', end: true },
  { to: '/studio/trends', label: 'Trends', end: false },
  { to: '/studio/audience', label: 'Audience', end: false },
  { to: '/studio/best-times', label: 'Best times', end: false },
  { to: '/studio/ranking', label: 'Ranking', end: false },
  { to: '/studio/rewards', label: 'Rewards', end: false },
  { to: '/studio/events', label: 'Events', end: false },
  { to: '/studio/fans', label: 'Fans', end: false },
];

/** The creator studio: sessions and live dashboard, per-session detail, trends, audience, best times. */
export function StudioPage() {
  useDocumentTitle('Studio');
  const { user } = useSession();
  // A viewer has no studio yet: say how to get one instead of letting every tab answer 403.
  if (user?.role === 'viewer')
    return (
      <div className="page">
        <EmptyState
          level={1}
          icon={<StudioIcon size={44} />}
          title="Go LIVE to see your studio"
          actions={
            <Link to="/go-live" className="btn btn-primary btn-lg">
              Go LIVE
            </Link>
          }
        >
          <p>
            Your studio shows each LIVE's viewers, watch time, gifts, diamonds and new followers, with tips on
            what to try next. It opens once you become a creator.
          </p>
        </EmptyState>
      </div>
    );
  return (
    <div className="page page-wide studio-page">
      <header className="page-header">
        <h1 className="page-title">Studio</h1>
      </header>
      <nav className="feed-tabs studio-tabs" aria-label="Studio">
        {TABS.map((t) => (
          <NavLink
            key={t.to}
            to={t.to}
            end={t.end}
            className={({ isActive }) => `feed-tab${isActive ? ' active' : ''}`}
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Overview />} />
        <Route path="sessions/:id" element={<SessionDetailPage />} />
        <Route path="trends" element={<Trends />} />
        <Route path="audience" element={<Audience />} />
        <Route path="best-times" element={<BestTimes />} />
        <Route path="ranking" element={<Ranking />} />
        <Route path="rewards" element={<Rewards />} />
        <Route path="events" element={<StudioEvents />} />
        <Route path="fans" element={<StudioFans />} />
      </Routes>
    </div>
  );
}
