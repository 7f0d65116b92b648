import type { MyRoom } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BrowserGoLive } from '../components/golive/BrowserGoLive.tsx';
import { LiveStatus, roomLiveState } from '../components/golive/LiveStatus.tsx';
import { ObsPanel } from '../components/golive/ObsPanel.tsx';
import { RoomSettings } from '../components/golive/RoomSettings.tsx';
import { BroadcastIcon, ChatIcon, GiftIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { ChatSettingsPanel } from '../room/ChatSettings.tsx';

const POLL_MS = 5000;

export function GoLivePage() {
  useDocumentTitle('Go LIVE');
  const { user } = useSession();
  if (!user) return null;
  return (
    <div className={`page${user.role === 'viewer' ? '' : ' page-wide golive-page'}`}>
      <header className="page-header">
        <h1 className="page-title">Go LIVE</h1>
      </header>
      {user.role === 'viewer' ? <BecomeCreator /> : <CreatorTools />}
    </div>
  );
}

function BecomeCreator() {
  const { setUser } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function become() {
    setBusy(true);
    setError(null);
    try {
      setUser(await api.becomeCreator());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <section className="panel hero-panel" aria-labelledby="become-title">
      <div className="hero-art" aria-hidden="true">
        <BroadcastIcon size={40} />
      </div>
      <h2 id="become-title" className="panel-title">
        Become a creator to go LIVE
      </h2>
      <p className="muted">
        Creators stream video in real time to everyone on this server. Becoming one is free and takes a click;
        you can keep watching as before.
      </p>
      <ul className="feature-list">
        <li>
          <BroadcastIcon size={20} />
          <span>Go LIVE from your camera or screen, or stream from OBS</span>
        </li>
        <li>
          <ChatIcon size={20} />
          <span>Talk with your viewers while you're LIVE</span>
        </li>
        <li>
          <GiftIcon size={20} />
          <span>Receive gifts from your audience</span>
        </li>
      </ul>
      <p className="fine-print">
        Viewers send gifts with coins during your LIVE; they become diamonds you can cash out from{' '}
        <Link to="/wallet/earnings">your earnings</Link>.
      </p>
      <FormError message={error} />
      <button type="button" className="btn btn-primary btn-lg" onClick={become} disabled={busy}>
        Become a creator
      </button>
    </section>
  );
}

/** Your room, refreshed every 5 s while the page is open (and on demand). */
function useMyRoom() {
  const [room, setRoom] = useState<MyRoom | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setRoom(await api.myRoom());
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  useVisibleInterval(() => void reload(), POLL_MS);
  return { room, setRoom, error, reload };
}

function CreatorTools() {
  const { user } = useSession();
  const { room, setRoom, error, reload } = useMyRoom();
  if (!user) return null;
  if (!room) return error ? <FormError message={error} /> : <PageLoading />;
  const state = roomLiveState(room);
  return (
    <div className="golive-grid">
      <div className="golive-area-status">
        <LiveStatus room={room} />
        {error ? <FormError message={error} /> : null}
        <Link to="/wallet/earnings" className="golive-earnings-link" data-testid="golive-earnings-link">
          <GiftIcon size={18} />
          <span>Gifts become diamonds: see your earnings</span>
        </Link>
      </div>
      <div className="golive-area-browser">
        <BrowserGoLive
          handle={user.handle}
          liveElsewhere={state !== 'offline' && room.session?.source === 'rtmp'}
          onPhase={() => void reload()}
        />
      </div>
      <div className="golive-area-settings">
        <RoomSettings room={room} onSaved={setRoom} />
      </div>
      <div className="golive-area-chat">
        <section className="panel" aria-labelledby="chat-settings-title">
          <h2 id="chat-settings-title" className="panel-title">
            Chat &amp; moderation
          </h2>
          {/* Unmute and unban go through a LIVE of yours: the current one, or the last. */}
          <ChatSettingsPanel sessionId={room.session?.id ?? null} />
        </section>
      </div>
      <div className="golive-area-obs">
        <ObsPanel room={room} onChange={setRoom} />
      </div>
    </div>
  );
}
