import { useState } from 'react';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BroadcastIcon, ChatIcon, GiftIcon, KeyIcon, MonitorIcon } from '../components/Icons.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

export function GoLivePage() {
  useDocumentTitle('Go LIVE');
  const { user } = useSession();
  if (!user) return null;
  return (
    <div className="page">
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
          <span>Stream from OBS or any RTMP encoder</span>
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
      <p className="fine-print">Streaming, chat and gifts arrive in upcoming releases of this server.</p>
      <FormError message={error} />
      <button type="button" className="btn btn-primary btn-lg" onClick={become} disabled={busy}>
        Become a creator
      </button>
    </section>
  );
}

function CreatorTools() {
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="obs-title">
        <div className="panel-head">
          <span className="panel-icon" aria-hidden="true">
            <KeyIcon size={22} />
          </span>
          <h2 id="obs-title" className="panel-title">
            Stream from OBS
          </h2>
        </div>
        <dl className="kv">
          <div>
            <dt>Server URL</dt>
            <dd className="placeholder">Not available yet</dd>
          </div>
          <div>
            <dt>Stream key</dt>
            <dd className="placeholder">Not available yet</dd>
          </div>
        </dl>
        <p className="muted">
          Your server URL and stream key arrive with the ingest feature. Until then there is nothing to paste
          into OBS.
        </p>
      </section>
      <section className="panel" aria-labelledby="browser-title">
        <div className="panel-head">
          <span className="panel-icon" aria-hidden="true">
            <MonitorIcon size={22} />
          </span>
          <h2 id="browser-title" className="panel-title">
            Your camera
          </h2>
        </div>
        <button type="button" className="btn btn-primary btn-lg" disabled aria-describedby="browser-note">
          Go LIVE from this computer
        </button>
        <p id="browser-note" className="muted">
          Streaming straight from the browser isn't available yet.
        </p>
      </section>
    </div>
  );
}
