import type { FollowingList } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api } from '../app/api.ts';
import { useNotificationFrames, useOnReconnect } from '../app/realtime.tsx';
import { useSession } from '../app/session.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BellIcon, BellOffIcon, FollowingIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

type Followed = FollowingList['users'][number];

export function FollowingPage() {
  useDocumentTitle('Following');
  const { user, loading } = useSession();
  const location = useLocation();
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Following</h1>
      </header>
      {loading ? (
        <PageLoading />
      ) : user ? (
        <FollowedCreators key={user.id} />
      ) : (
        <EmptyState
          icon={<FollowingIcon size={44} />}
          title="Log in to see who you follow"
          actions={
            <>
              <Link to="/login" state={{ from: location }} className="btn btn-primary btn-lg">
                Log in
              </Link>
              <Link to="/signup" className="btn btn-secondary btn-lg">
                Sign up
              </Link>
            </>
          }
        >
          <p>Follow creators and catch them the moment they go LIVE.</p>
        </EmptyState>
      )}
    </div>
  );
}

function FollowedCreators() {
  const [users, setUsers] = useState<Followed[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await api.following()).users);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  // Someone you follow went LIVE: their badge should say so.
  useNotificationFrames(() => void load());
  useOnReconnect(() => void load());

  async function setAlerts(u: Followed, notify: boolean) {
    setBusy(u.handle);
    setError(null);
    try {
      const state = await api.setLiveAlerts(u.handle, notify);
      setUsers((list) => list?.map((x) => (x.id === u.id ? { ...x, notify: state.notify } : x)) ?? null);
    } catch (err) {
      setError(errorMessage(err));
      void load();
    } finally {
      setBusy(null);
    }
  }

  async function unfollow(u: Followed) {
    setBusy(u.handle);
    setError(null);
    try {
      await api.unfollow(u.handle);
      setUsers((list) => list?.filter((x) => x.id !== u.id) ?? null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  if (users === null) return error ? <FormError message={error} /> : <PageLoading />;
  if (users.length === 0)
    return (
      <EmptyState
        icon={<FollowingIcon size={44} />}
        title="You're not following anyone yet"
        actions={
          <Link to="/" className="btn btn-primary btn-lg">
            Find creators LIVE
          </Link>
        }
      >
        <p>Follow creators from their LIVE or their profile, and get an alert when they go LIVE.</p>
      </EmptyState>
    );

  // LIVE creators first, then by name.
  const sorted = [...users].sort(
    (a, b) => Number(b.live) - Number(a.live) || a.displayName.localeCompare(b.displayName),
  );
  return (
    <>
      <FormError message={error} />
      <p className="muted following-summary">
        {users.length} {users.length === 1 ? 'creator' : 'creators'} · {users.filter((u) => u.live).length}{' '}
        LIVE now
      </p>
      <ul className="following-list" aria-label="Creators you follow">
        {sorted.map((u) => (
          <li key={u.id} className="following-row" data-testid="following-row" data-handle={u.handle}>
            <Link to={`/@${u.handle}`} className="following-who">
              <span className={u.live ? 'avatar-live-ring' : undefined}>
                <Avatar user={u} size={48} />
              </span>
              <span className="following-names">
                <span className="following-name">{u.displayName}</span>
                <span className="following-handle">@{u.handle}</span>
              </span>
            </Link>
            <div className="following-actions">
              {u.live ? (
                <Link
                  to={`/@${u.handle}/live`}
                  className="live-pill live-pill-link"
                  aria-label={`LIVE now — watch @${u.handle}`}
                >
                  LIVE
                </Link>
              ) : null}
              <button
                type="button"
                className={`btn btn-secondary btn-sm btn-toggle${u.notify ? ' is-on' : ''}`}
                aria-pressed={u.notify}
                aria-label={`LIVE alerts for @${u.handle}`}
                title={u.notify ? 'LIVE alerts are on' : 'LIVE alerts are off'}
                disabled={busy === u.handle}
                onClick={() => void setAlerts(u, !u.notify)}
              >
                {u.notify ? <BellIcon size={16} /> : <BellOffIcon size={16} />}
                <span className="following-alerts-label">LIVE alerts</span>
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                aria-label={`Unfollow @${u.handle}`}
                disabled={busy === u.handle}
                onClick={() => void unfollow(u)}
              >
                Unfollow
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
