import type { MyRoom } from '@onair/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../../app/api.ts';
import { copyText } from '../../lib/clipboard.ts';
import { errorMessage } from '../../lib/errors.ts';
import { FormError } from '../FormMessage.tsx';
import { CheckIcon, CopyIcon, EyeIcon, EyeOffIcon, KeyIcon, RefreshIcon } from '../Icons.tsx';

const MASK = '•'.repeat(24);

/** Server URL and stream key for OBS: the key masked until shown, copy buttons, and a guarded regenerate. */
export function ObsPanel({ room, onChange }: { room: MyRoom; onChange: (room: MyRoom) => void }) {
  const [shown, setShown] = useState(false);
  const [copied, setCopied] = useState<'server' | 'key' | null>(null);
  const [announce, setAnnounce] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLElement>(null);
  const regenerateRef = useRef<HTMLButtonElement>(null);
  const confirmTitleId = useId();
  const confirmBodyId = useId();
  const { server, streamKey } = room.ingest;

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  // The confirmation takes focus (so it is read out) and Escape backs out of it.
  useEffect(() => {
    if (!confirming) return;
    confirmRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setConfirming(false);
      regenerateRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [confirming]);

  async function copy(what: 'server' | 'key') {
    setError(null);
    try {
      await copyText(what === 'server' ? server : streamKey);
      setCopied(what);
      setAnnounce(what === 'server' ? 'Server URL copied' : 'Stream key copied');
    } catch {
      // Show the key so it can be selected and copied by hand.
      if (what === 'key') setShown(true);
      setError("Couldn't copy: this browser blocked the clipboard. Select the text and copy it yourself.");
    }
  }

  async function regenerate() {
    setBusy(true);
    setError(null);
    try {
      const next = await api.regenerateStreamKey();
      onChange(next);
      setConfirming(false);
      setAnnounce('New stream key created. Paste it into OBS before you go LIVE again.');
      regenerateRef.current?.focus();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function cancel() {
    setConfirming(false);
    regenerateRef.current?.focus();
  }

  return (
    <section className="panel golive-obs" aria-labelledby="obs-title">
      <div className="panel-head">
        <span className="panel-icon" aria-hidden="true">
          <KeyIcon size={22} />
        </span>
        <h2 id="obs-title" className="panel-title">
          Stream from OBS
        </h2>
      </div>
      <p className="muted">
        In OBS, open Settings → Stream, pick “Custom…”, and paste these two values. Then press Start
        Streaming.
      </p>
      <dl className="kv kv-stacked">
        <div>
          <dt>Server</dt>
          <dd className="kv-value-row">
            <code className="kv-code" data-testid="ingest-server">
              {server}
            </code>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              aria-label="Copy server URL"
              onClick={() => void copy('server')}
            >
              {copied === 'server' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
              {copied === 'server' ? 'Copied' : 'Copy'}
            </button>
          </dd>
        </div>
        <div>
          <dt>Stream key</dt>
          <dd className="kv-value-row">
            <code className={`kv-code${shown ? '' : ' is-masked'}`} data-testid="stream-key">
              {shown ? (
                streamKey
              ) : (
                <>
                  <span aria-hidden="true">{MASK}</span>
                  <span className="visually-hidden">Hidden</span>
                </>
              )}
            </code>
            <span className="kv-buttons">
              <button
                type="button"
                className={`btn btn-secondary btn-sm btn-toggle${shown ? ' is-on' : ''}`}
                aria-label="Show stream key"
                aria-pressed={shown}
                onClick={() => setShown((s) => !s)}
              >
                {shown ? <EyeOffIcon size={16} /> : <EyeIcon size={16} />}
                Show
              </button>
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                aria-label="Copy stream key"
                onClick={() => void copy('key')}
              >
                {copied === 'key' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
                {copied === 'key' ? 'Copied' : 'Copy'}
              </button>
              <button
                ref={regenerateRef}
                type="button"
                className="btn btn-danger btn-sm"
                aria-label="Regenerate stream key"
                aria-expanded={confirming}
                onClick={() => setConfirming(true)}
                disabled={confirming}
              >
                <RefreshIcon size={16} />
                Regenerate
              </button>
            </span>
          </dd>
        </div>
      </dl>
      {confirming ? (
        <section
          ref={confirmRef}
          className="confirm"
          aria-labelledby={confirmTitleId}
          aria-describedby={confirmBodyId}
          tabIndex={-1}
          data-testid="regenerate-confirm"
        >
          <h3 id={confirmTitleId} className="confirm-title">
            Regenerate your stream key?
          </h3>
          <p id={confirmBodyId} className="confirm-body">
            Your current key stops working immediately: OBS (or anything else using it) can't connect with it
            again. If you're LIVE with it right now, that stream is cut.
          </p>
          <div className="confirm-actions">
            <button type="button" className="btn btn-ghost btn-sm" onClick={cancel} disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary btn-sm"
              onClick={() => void regenerate()}
              disabled={busy}
            >
              Regenerate key
            </button>
          </div>
        </section>
      ) : null}
      <FormError message={error} />
      <p className="visually-hidden" role="status">
        {announce}
      </p>
      <p className="fine-print">Keep your stream key secret: anyone with it can go LIVE as you.</p>
    </section>
  );
}
