import type { MyRoom } from '@onair/protocol';
import { Link } from 'react-router';
import { durationLabel, relativeTime } from '../../lib/format.ts';

export type RoomLiveState = 'offline' | 'connecting' | 'live';

export function roomLiveState(room: MyRoom): RoomLiveState {
  if (room.state === 'live') return 'live';
  if (room.session?.status === 'connecting') return 'connecting';
  return 'offline';
}

/** Offline / connecting / LIVE now, from the room the page polls every 5 s. */
export function LiveStatus({ room }: { room: MyRoom }) {
  const state = roomLiveState(room);
  const session = room.session;
  const watchHref = `/@${room.creator.handle}/live`;
  let title: string;
  let detail: string;
  if (state === 'live' && session) {
    title = "You're LIVE now";
    const since = session.liveAt ?? session.startedAt;
    detail = `Started ${relativeTime(since)} · from ${session.source === 'browser' ? 'a browser' : 'OBS'}`;
  } else if (state === 'connecting') {
    title = 'Connecting…';
    detail = 'The server is receiving your stream and getting it ready for viewers.';
  } else {
    title = "You're offline";
    detail =
      session?.status === 'ended'
        ? `Last LIVE ${relativeTime(session.endedAt ?? session.startedAt)}${
            session.durationS !== null ? `, for ${durationLabel(session.durationS)}` : ''
          }.`
        : 'Go LIVE from this computer, or stream from OBS with the settings below.';
  }
  return (
    <section
      className={`panel status-panel is-${state}`}
      aria-labelledby="live-status-title"
      data-testid="live-status"
      data-state={state}
    >
      <div className="status-row">
        <span className="status-indicator" aria-hidden="true">
          {state === 'live' ? <span className="live-pill">LIVE</span> : <span className="status-dot" />}
        </span>
        <div className="status-text">
          <h2 id="live-status-title" className="panel-title">
            {title}
          </h2>
          <p className="muted">{detail}</p>
        </div>
        {state === 'live' ? (
          <Link to={watchHref} className="btn btn-primary btn-sm">
            Watch your LIVE
          </Link>
        ) : (
          <Link to={watchHref} className="link-subtle">
            Your LIVE page
          </Link>
        )}
      </div>
    </section>
  );
}
