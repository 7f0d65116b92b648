import { Link, useLocation } from 'react-router';
import { useSession } from '../app/session.tsx';
import { SearchBox } from '../search/SearchBox.tsx';
import { Avatar } from './Avatar.tsx';
import { Wordmark } from './Logo.tsx';
import { NotificationBell } from './NotificationBell.tsx';

/** Logo on phones (the sidebar carries it on wide screens); log in / sign up, or the user's avatar. */
export function TopBar() {
  const { user, loading } = useSession();
  const location = useLocation();
  const onAuthPage = location.pathname === '/login' || location.pathname === '/signup';
  return (
    <header className="topbar">
      <Wordmark className="topbar-wordmark" />
      <SearchBox />
      <div className="topbar-actions">
        {loading || onAuthPage ? null : user ? (
          <>
            <NotificationBell key={user.id} />
            <Link
              to={`/@${user.handle}`}
              className="topbar-avatar"
              aria-label={`Your profile (@${user.handle})`}
            >
              <Avatar user={user} size={36} />
            </Link>
          </>
        ) : (
          <>
            <Link to="/login" state={{ from: location }} className="btn btn-primary btn-sm">
              Log in
            </Link>
            <Link to="/signup" className="btn btn-secondary btn-sm">
              Sign up
            </Link>
          </>
        )}
      </div>
    </header>
  );
}
