import { HANDLE_PATTERN, type PublicUser, type Room } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { BattleRecord } from '../battle/BattleRecord.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FollowButton } from '../components/FollowButton.tsx';
import { FormError } from '../components/FormMessage.tsx';
import {
  BellIcon,
  BroadcastIcon,
  CalendarIcon,
  LogOutIcon,
  ProfileIcon,
  SettingsIcon,
} from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { RoleBadge } from '../components/RoleBadge.tsx';
import { UpcomingEvents } from '../events/UpcomingEvents.tsx';
import { LeagueBadge } from '../leagues/LeagueBadge.tsx';
import { errorMessage } from '../lib/errors.ts';
import { durationLabel, followersLabel, joinedLabel, shortDate } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useFollow } from '../lib/useFollow.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

/** `/:at` only means a profile when it starts with "@"; anything else is an unknown page. */
export function ProfileRoute() {
  const { at = '' } = useParams();
  if (!at.startsWith('@')) return <NotFoundPage />;
  return <ProfilePage key={at} handle={at.slice(1).toLowerCase()} />;
}

type Load =
  | { state: 'loading' }
  | { state: 'found'; user: PublicUser }
  | { state: 'missing' }
  | { state: 'error'; message: string };

function ProfilePage({ handle }: { handle: string }) {
  const session = useSession();
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    const valid = handle.length >= 2 && handle.length <= 24 && HANDLE_PATTERN.test(handle);
    if (!valid) {
      setLoad({ state: 'missing' });
      return;
    }
    api.user(handle).then(
      (user) => live && setLoad({ state: 'found', user }),
      (err) => {
        if (!live) return;
        if (err instanceof OnAirError && (err.code === 'user.not_found' || err.status === 404))
          setLoad({ state: 'missing' });
        else setLoad({ state: 'error', message: errorMessage(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [handle]);

  // Your own profile reads from the session, so edits show at once.
  const own = session.user?.handle === handle;
  const user = own ? session.user : load.state === 'found' ? load.user : null;
  useDocumentTitle(user ? `${user.displayName} (@${user.handle})` : `@${handle}`);

  if (user) return <ProfileView user={user} own={own} />;
  if (load.state === 'loading') return <PageLoading />;
  if (load.state === 'error')
    return (
      <div className="page">
        <FormError message={load.message} />
      </div>
    );
  return (
    <div className="page">
      <EmptyState
        level={1}
        icon={<ProfileIcon size={44} />}
        title="This account doesn't exist"
        actions={
          <Link to="/" className="btn btn-primary btn-lg">
            Back to LIVE
          </Link>
        }
      >
        <p>
          No one is called <strong>@{handle}</strong> on this server. Check the spelling, or they may have
          picked another handle.
        </p>
      </EmptyState>
    </div>
  );
}

/** The creator's room: whether they are LIVE now, and their latest LIVE. Quietly absent on errors. */
function useRoom(handle: string): Room | null {
  const [room, setRoom] = useState<Room | null>(null);
  useEffect(() => {
    let live = true;
    api.room(handle).then(
      (r) => live && setRoom(r),
      () => live && setRoom(null),
    );
    return () => {
      live = false;
    };
  }, [handle]);
  return room;
}

function ProfileView({ user, own }: { user: PublicUser; own: boolean }) {
  const room = useRoom(user.handle);
  const follow = useFollow(user.handle);
  const viewer = useSession().user?.handle;
  const isLive = room?.state === 'live';
  const last = room?.session?.status === 'ended' ? room.session : null;
  return (
    <div className="page profile-page">
      <section className="profile-hero" aria-labelledby="profile-name">
        {isLive ? (
          <Link
            to={`/@${user.handle}/live`}
            className="profile-avatar-ring is-live"
            tabIndex={-1}
            aria-hidden="true"
          >
            <Avatar user={user} size={112} />
            <span className="profile-avatar-live">LIVE</span>
          </Link>
        ) : (
          <div className="profile-avatar-ring">
            <Avatar user={user} size={112} />
          </div>
        )}
        <div className="profile-identity">
          <h1 id="profile-name" className="profile-name">
            {user.displayName}
          </h1>
          <p className="profile-handle">
            @{user.handle} <RoleBadge role={user.role} />{' '}
            <LeagueBadge league={user.league ?? room?.creator.league} handle={user.handle} />
          </p>
          {user.bio ? (
            <p className="profile-bio">{user.bio}</p>
          ) : own ? (
            <p className="profile-bio muted">No bio yet.</p>
          ) : null}
          <p className="profile-meta">
            <CalendarIcon size={16} />
            <span>{joinedLabel(user.createdAt)}</span>
            {own && room ? <span>· {followersLabel(room.followerCount)}</span> : null}
          </p>
          {isLive ? (
            <Link
              to={`/@${user.handle}/live`}
              className="btn btn-primary btn-lg profile-watch"
              data-testid="profile-live-link"
            >
              <span className="live-dot live-dot-light" aria-hidden="true" />
              LIVE now — watch
            </Link>
          ) : null}
          {own ? null : <FollowButton controller={follow} />}
          {own ? <OwnProfileActions /> : null}
        </div>
      </section>
      <UpcomingEvents handle={user.handle} />
      <section className="profile-lives" aria-labelledby="lives-title">
        <h2 id="lives-title" className="section-title">
          Past LIVEs
        </h2>
        {last ? (
          <div className="profile-last-live">
            <BroadcastIcon size={22} />
            <div>
              <p className="profile-last-title">{last.title.trim() || 'Untitled LIVE'}</p>
              <p className="muted">
                {shortDate(last.liveAt ?? last.startedAt)}
                {last.durationS !== null ? ` · ${durationLabel(last.durationS)}` : ''}
              </p>
            </div>
          </div>
        ) : (
          <div className="profile-lives-empty">
            <BroadcastIcon size={28} />
            <p className="muted">
              {isLive
                ? `${own ? "You're" : `@${user.handle} is`} LIVE right now.`
                : own
                  ? "You haven't gone LIVE yet."
                  : `@${user.handle} hasn't gone LIVE yet.`}
            </p>
          </div>
        )}
      </section>
      <BattleRecord handle={user.handle} vs={own ? null : (viewer ?? null)} />
    </div>
  );
}

function OwnProfileActions() {
  const { logout } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);

  async function onLogout() {
    setError(null);
    try {
      await logout();
      navigate('/');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <div className="profile-actions">
        <Link to="/settings/profile" className="btn btn-secondary">
          <SettingsIcon size={18} />
          Edit profile
        </Link>
        <Link to="/settings/notifications" className="btn btn-secondary">
          <BellIcon size={18} />
          Notifications
        </Link>
        <button type="button" className="btn btn-ghost" onClick={onLogout}>
          <LogOutIcon size={18} />
          Log out
        </button>
      </div>
      <FormError message={error} />
    </>
  );
}
