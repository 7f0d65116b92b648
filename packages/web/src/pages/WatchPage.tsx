import { HANDLE_PATTERN, type LiveSession, type Room } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../app/api.ts';
import { useOnReconnect, useRealtimeFrames, useWatchSession } from '../app/realtime.tsx';
import { BattleLayer } from '../battle/BattleLayer.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FollowButton } from '../components/FollowButton.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BellIcon, BroadcastIcon, ProfileIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { JoinFanClub } from '../fanclub/JoinFanClub.tsx';
import { RoomGifts } from '../gifts/RoomGifts.tsx';
import { LeagueBadge } from '../leagues/LeagueBadge.tsx';
import { RoomLeaderboardButton } from '../leagues/RoomLeaderboard.tsx';
import { errorMessage } from '../lib/errors.ts';
import { durationLabel } from '../lib/format.ts';
import { firstVisitThrough, isShareCode, rememberShareRef } from '../lib/shareRef.ts';
import { topicLabel } from '../lib/topics.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { type FollowController, useFollow } from '../lib/useFollow.ts';
import { useMediaQuery, WIDE_QUERY } from '../lib/useMediaQuery.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { LivePlayer } from '../player/LivePlayer.tsx';
import { PinnedCard } from '../room/ChatLog.tsx';
import { FloatingLayer } from '../room/Hearts.tsx';
import { LiveRoomProvider } from '../room/RoomContext.tsx';
import { ChatPanel, RoomActions, RoomBottom, RoomDialogs, RoomSettingsButton } from '../room/RoomStage.tsx';
import { ViewerCount } from '../room/ViewerCount.tsx';
import { HashtagLink } from '../search/Hashtags.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

/** `/:at/live` is a LIVE only when the segment starts with "@". */
export function WatchRoute() {
  const { at = '' } = useParams();
  if (!at.startsWith('@')) return <NotFoundPage />;
  const handle = at.slice(1).toLowerCase();
  return <WatchPage key={handle} handle={handle} />;
}

type Load =
  | { state: 'loading' }
  | { state: 'found'; room: Room }
  | { state: 'missing' }
  | { state: 'error'; message: string };

export type WatchView = 'loading' | 'live' | 'ended' | 'offline' | 'missing' | 'error';

/** Safety nets besides realtime: signed-out viewers get no notifications, and sockets drop. */
const POLL_LIVE_MS = 30_000;
const POLL_OFFLINE_MS = 15_000;

function validHandle(handle: string): boolean {
  return handle.length >= 2 && handle.length <= 24 && HANDLE_PATTERN.test(handle);
}

function WatchPage({ handle }: { handle: string }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  /** A session we know has ended (from realtime), even if a refetch has not said so yet. */
  const [endedId, setEndedId] = useState<string | null>(null);
  /** The session this page has shown LIVE: when it is over, the page says "ended", not "offline". */
  const [watchedId, setWatchedId] = useState<string | null>(null);
  const wide = useMediaQuery(WIDE_QUERY);
  const lastCheck = useRef(0);
  const [searchParams] = useSearchParams();
  const ref = searchParams.get('ref');

  // Opened from someone's share link: count the visit (once per tab) and remember the link, so a
  // follow from here credits it.
  useEffect(() => {
    if (!isShareCode(ref) || !validHandle(handle)) return;
    rememberShareRef(handle, ref);
    if (firstVisitThrough(ref)) api.shareVisit(ref).catch(() => undefined);
  }, [ref, handle]);

  const reload = useCallback(async () => {
    if (!validHandle(handle)) {
      setLoad({ state: 'missing' });
      return;
    }
    lastCheck.current = Date.now();
    try {
      const room = await api.room(handle);
      setLoad({ state: 'found', room });
    } catch (err) {
      if (err instanceof OnAirError && err.status === 404) setLoad({ state: 'missing' });
      // A failed refetch keeps what is on screen; only a failed first load is an error page.
      else
        setLoad((prev) => (prev.state === 'found' ? prev : { state: 'error', message: errorMessage(err) }));
    }
  }, [handle]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const room = load.state === 'found' ? load.room : null;
  const session = room?.session ?? null;
  const liveSession =
    room?.state === 'live' && session && session.status !== 'ended' && session.id !== endedId
      ? session
      : null;

  useEffect(() => {
    if (liveSession) setWatchedId(liveSession.id);
  }, [liveSession]);

  const view: WatchView =
    load.state !== 'found'
      ? load.state
      : liveSession
        ? 'live'
        : session && watchedId === session.id
          ? 'ended'
          : 'offline';

  // Realtime: the watched session's end, and (when not LIVE) the creator going LIVE.
  useWatchSession(liveSession?.id ?? null);
  useRealtimeFrames((frame) => {
    if (frame.type === 'stream' && frame.sessionId === session?.id) {
      if (frame.status === 'ended') setEndedId(frame.sessionId);
      void reload();
    } else if (frame.type === 'notification' && frame.notification.actor?.handle === handle) {
      void reload();
    }
  });
  useOnReconnect(() => void reload());
  useVisibleInterval(
    () => void reload(),
    view === 'live' ? POLL_LIVE_MS : view === 'offline' || view === 'ended' ? POLL_OFFLINE_MS : null,
  );

  /** The room said the LIVE ended: show it ended now, whatever a refetch says a moment later. */
  const liveId = liveSession?.id ?? null;
  const onRoomEnded = useCallback(() => {
    if (liveId) setEndedId(liveId);
    void reload();
  }, [liveId, reload]);

  /** The player is struggling: ask the server whether the LIVE is still on (at most every 3 s). */
  const onTrouble = useCallback(() => {
    if (Date.now() - lastCheck.current > 3000) void reload();
  }, [reload]);

  const follow = useFollow(handle, room?.followerCount);
  const creator = room?.creator;
  useDocumentTitle(
    creator
      ? view === 'live'
        ? `${creator.displayName} (@${creator.handle}) is LIVE`
        : `${creator.displayName} (@${creator.handle})`
      : `@${handle}`,
  );

  if (load.state === 'loading')
    return (
      <div className="watch-page" data-testid="watch-page" data-state="loading">
        <PageLoading label="Loading the LIVE…" />
      </div>
    );
  if (load.state === 'missing')
    return (
      <div className="page" data-testid="watch-page" data-state="missing">
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
            No one is called <strong>@{handle}</strong> on this server.
          </p>
        </EmptyState>
      </div>
    );
  if (load.state === 'error' || !room)
    return (
      <div className="page" data-testid="watch-page" data-state="error">
        <FormError message={load.state === 'error' ? load.message : 'Something went wrong.'} />
        <button type="button" className="btn btn-secondary" onClick={() => void reload()}>
          Try again
        </button>
      </div>
    );

  if (!liveSession)
    return (
      <div className="watch-page" data-testid="watch-page" data-state={view}>
        <div className="watch-layout">
          <div className="watch-stage watch-stage-card">
            <NotLiveStage room={room} view={view} follow={follow} />
          </div>
        </div>
      </div>
    );

  return (
    <div className="watch-page" data-testid="watch-page" data-state={view}>
      <LiveRoomProvider key={liveSession.id} info={room} sessionId={liveSession.id} onEnded={onRoomEnded}>
        <div className="watch-layout">
          <div className="watch-stage">
            <LiveStage room={room} session={liveSession} wide={wide} follow={follow} onTrouble={onTrouble} />
          </div>
          {wide ? <SidePanel room={room} session={liveSession} follow={follow} /> : null}
        </div>
        <RoomDialogs />
      </LiveRoomProvider>
    </div>
  );
}

function liveTitle(room: Room, session: LiveSession): string {
  return session.title.trim() || room.title.trim() || `${room.creator.displayName} is LIVE`;
}

function LiveStage({
  room,
  session,
  wide,
  follow,
  onTrouble,
}: {
  room: Room;
  session: LiveSession;
  wide: boolean;
  follow: FollowController;
  onTrouble: () => void;
}) {
  const { creator } = room;
  return (
    <>
      <LivePlayer
        key={session.id}
        flvUrl={session.flvUrl}
        hlsUrl={session.hlsUrl}
        label={`LIVE video from @${creator.handle}`}
        onTrouble={onTrouble}
      />
      <div className="watch-scrim watch-scrim-top" aria-hidden="true" />
      <div className="watch-scrim watch-scrim-bottom" aria-hidden="true" />
      <div className="watch-top">
        {wide ? null : (
          <div className="watch-creator-chip">
            <Link to={`/@${creator.handle}`} className="watch-creator-link">
              <Avatar user={creator} size={36} />
              <span className="watch-creator-names">
                <span className="watch-creator-name">{creator.displayName}</span>
                <span className="watch-creator-handle">@{creator.handle}</span>
              </span>
            </Link>
            <LeagueBadge league={creator.league} handle={creator.handle} />
            <FollowButton controller={follow} compact />
            <JoinFanClub handle={creator.handle} creatorId={creator.id} compact onJoined={follow.reload} />
          </div>
        )}
        <div className="watch-top-end">
          {wide ? null : <RoomSettingsButton variant="overlay" />}
          <ViewerCount />
          <span className="live-badge" data-testid="live-badge">
            LIVE
          </span>
        </div>
      </div>
      {wide ? null : (
        <div className="watch-under-top">
          <div className="watch-headline">
            <h1 className="watch-title">{liveTitle(room, session)}</h1>
            <RoomTags room={room} />
          </div>
          <PinnedCard />
        </div>
      )}
      <FloatingLayer />
      <RoomGifts />
      <BattleLayer sessionId={session.id} self={follow.self} />
      {wide ? (
        <div className="room-stage-actions">
          <RoomActions />
        </div>
      ) : (
        <RoomBottom />
      )}
    </>
  );
}

function RoomTags({ room }: { room: Room }) {
  return (
    <p className="watch-tags">
      <span className="topic-chip">{topicLabel(room.topic)}</span>
      {room.hashtags.map((tag) => (
        <HashtagLink key={tag} tag={tag} />
      ))}
      <RoomLeaderboardButton handle={room.creator.handle} />
    </p>
  );
}

function SidePanel({
  room,
  session,
  follow,
}: {
  room: Room;
  session: LiveSession;
  follow: FollowController;
}) {
  const { creator } = room;
  return (
    <aside className="watch-side" aria-label="About this LIVE">
      <div className="watch-side-about">
        <div className="watch-side-creator">
          <Link to={`/@${creator.handle}`} className="watch-side-avatar" tabIndex={-1} aria-hidden="true">
            <span className="avatar-live-ring">
              <Avatar user={creator} size={48} />
            </span>
          </Link>
          <div className="watch-side-names">
            <Link to={`/@${creator.handle}`} className="watch-side-name">
              {creator.displayName}
            </Link>{' '}
            <LeagueBadge league={creator.league} handle={creator.handle} />
            <span className="watch-side-handle">@{creator.handle}</span>
          </div>
        </div>
        <FollowButton controller={follow} />
        <JoinFanClub handle={creator.handle} creatorId={creator.id} onJoined={follow.reload} />
        <RoomLeaderboardButton handle={creator.handle} variant="plain" />
        <h1 className="watch-side-title">{liveTitle(room, session)}</h1>
        <p className="watch-side-meta">
          <span className="topic-chip">{topicLabel(room.topic)}</span>
          {room.hashtags.map((tag) => (
            <HashtagLink key={tag} tag={tag} />
          ))}
          {session.liveAt ? (
            <span className="watch-side-since">
              LIVE since{' '}
              <time dateTime={session.liveAt}>
                {new Date(session.liveAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
              </time>
            </span>
          ) : null}
        </p>
        {follow.self ? (
          <div className="watch-side-host">
            <RoomSettingsButton variant="panel" />
            <Link to="/go-live" className="btn btn-secondary btn-sm">
              Manage your LIVE
            </Link>
          </div>
        ) : null}
      </div>
      <ChatPanel />
    </aside>
  );
}

function sessionDuration(session: LiveSession): number | null {
  if (session.durationS !== null) return session.durationS;
  const from = session.liveAt ?? session.startedAt;
  const to = session.endedAt ? new Date(session.endedAt).getTime() : Date.now();
  const s = (to - new Date(from).getTime()) / 1000;
  return Number.isFinite(s) ? s : null;
}

function NotLiveStage({ room, view, follow }: { room: Room; view: WatchView; follow: FollowController }) {
  const { creator } = room;
  const session = room.session;
  const ended = view === 'ended' && session !== null;
  const duration = ended ? sessionDuration(session) : null;
  const alertsOn = follow.state?.following && follow.state.notify;
  return (
    <div className="watch-state" data-testid={ended ? 'watch-ended' : 'watch-offline'}>
      <div className="watch-state-art" aria-hidden="true">
        <Avatar user={creator} size={104} />
      </div>
      <h1 className="watch-state-title">
        {ended ? 'LIVE has ended' : `@${creator.handle} is not LIVE right now`}
      </h1>
      {ended ? (
        <p className="watch-state-body">
          {duration !== null ? (
            <>
              {creator.displayName}'s LIVE lasted{' '}
              <strong data-testid="live-duration">{durationLabel(duration)}</strong>.
            </>
          ) : (
            `${creator.displayName}'s LIVE is over.`
          )}{' '}
          Thanks for watching!
        </p>
      ) : follow.self ? (
        <p className="watch-state-body">Your viewers land here. Go LIVE and they'll see you right away.</p>
      ) : alertsOn ? (
        <p className="watch-state-body">
          You'll get a notification the moment {creator.displayName} goes LIVE, and this page switches to the
          LIVE by itself.
        </p>
      ) : follow.state?.following ? (
        <p className="watch-state-body">
          Turn on LIVE alerts to know the moment {creator.displayName} goes LIVE.
        </p>
      ) : (
        <p className="watch-state-body">
          Follow {creator.displayName} and turn on LIVE alerts to know the moment they go LIVE.
        </p>
      )}
      <FollowButton controller={follow} />
      {follow.signedIn && !follow.self ? (
        alertsOn ? (
          <p className="watch-alerts-on">
            <BellIcon size={16} /> LIVE alerts are on for @{creator.handle}.
          </p>
        ) : (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => void follow.turnOnAlerts()}
            disabled={follow.busy || follow.state === null}
          >
            <BellIcon size={18} />
            Turn on LIVE alerts
          </button>
        )
      ) : null}
      <div className="watch-state-links">
        {follow.self ? (
          <Link to="/go-live" className="btn btn-primary">
            <BroadcastIcon size={18} />
            Go LIVE
          </Link>
        ) : null}
        <Link to={`/@${creator.handle}`} className="link-subtle">
          View profile
        </Link>
        <Link to="/" className="link-subtle">
          Back to LIVE
        </Link>
      </div>
    </div>
  );
}
