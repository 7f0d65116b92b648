import { useEffect, useId, useState } from 'react';
import { api } from '../app/api.ts';
import { CheckIcon, CopyIcon, ShareIcon } from '../components/Icons.tsx';
import { Sheet } from '../components/Sheet.tsx';
import { copyText } from '../lib/clipboard.ts';
import { errorMessage } from '../lib/errors.ts';
import { useRoomUi } from './RoomContext.tsx';

/**
 * Personal share links, one per (viewer, creator) for the page's lifetime: asking the server again
 * would announce "X shared this LIVE" in the chat each time the sheet opens.
 */
const links = new Map<string, string>();
const asking = new Map<string, Promise<string>>();

function personalLink(key: string, handle: string): Promise<string> {
  let p = asking.get(key);
  if (!p) {
    p = api.share(handle).then(
      (link) => {
        links.set(key, link.url);
        asking.delete(key);
        return link.url;
      },
      (err: unknown) => {
        asking.delete(key);
        throw err;
      },
    );
    asking.set(key, p);
  }
  return p;
}

export function ShareButton() {
  const { setSharing } = useRoomUi();
  return (
    <div className="action-item">
      <button
        type="button"
        className="action-btn"
        aria-label="Share"
        onClick={() => setSharing(true)}
        data-testid="share-button"
      >
        <ShareIcon size={24} />
      </button>
    </div>
  );
}

export function ShareSheet() {
  const { sharing, setSharing } = useRoomUi();
  if (!sharing) return null;
  return (
    <Sheet title="Share this LIVE" onClose={() => setSharing(false)} testId="share-sheet">
      <ShareContent />
    </Sheet>
  );
}

function ShareContent() {
  const { room, info } = useRoomUi();
  const handle = info.creator.handle;
  const pageUrl = `${window.location.origin}/@${handle}/live`;
  const key = room.me ? `${room.me.id}:${handle}` : null;
  const [url, setUrl] = useState<string | null>(key ? (links.get(key) ?? null) : pageUrl);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [copyError, setCopyError] = useState<string | null>(null);
  const inputId = useId();
  const canShare = typeof navigator.share === 'function';

  useEffect(() => {
    if (!key || links.has(key)) return;
    let live = true;
    personalLink(key, handle)
      .then((link) => {
        if (live) setUrl(link);
      })
      .catch((err) => {
        if (!live) return;
        // The plain page link still works; it just credits no one.
        setError(`Couldn't make your personal link (${errorMessage(err)}). Here's the page link instead.`);
        setUrl(pageUrl);
      });
    return () => {
      live = false;
    };
  }, [key, handle, pageUrl]);

  async function copy() {
    if (!url) return;
    setCopyError(null);
    try {
      await copyText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    } catch (err) {
      setCopyError(errorMessage(err));
    }
  }

  async function nativeShare() {
    if (!url) return;
    try {
      await navigator.share({ title: `${info.creator.displayName} is LIVE on OnAir`, url });
    } catch {
      // Dismissed by the viewer (AbortError) or not allowed: nothing to report.
    }
  }

  return (
    <div className="share-content">
      <p className="muted">
        {room.me
          ? `Invite friends to ${info.creator.displayName}'s LIVE. Visits and follows through your link are credited to you.`
          : `Invite friends to ${info.creator.displayName}'s LIVE.`}
      </p>
      <div className="field">
        <label htmlFor={inputId} className="field-label">
          Link to this LIVE
        </label>
        <div className="share-row">
          <input
            id={inputId}
            className="input share-link"
            readOnly
            value={url ?? ''}
            placeholder="Making your link…"
            onFocus={(e) => e.currentTarget.select()}
            data-testid="share-link"
          />
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void copy()}
            disabled={!url}
            data-testid="share-copy"
          >
            {copied ? <CheckIcon size={18} /> : <CopyIcon size={18} />}
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </div>
      <p className="visually-hidden" role="status">
        {copied ? 'Link copied' : ''}
      </p>
      {error ? (
        <p className="form-message form-warning" role="alert">
          {error}
        </p>
      ) : null}
      {copyError ? (
        <p className="form-message form-error" role="alert">
          {copyError}
        </p>
      ) : null}
      {canShare ? (
        <button
          type="button"
          className="btn btn-secondary btn-block"
          onClick={() => void nativeShare()}
          disabled={!url}
          data-testid="share-native"
        >
          <ShareIcon size={18} />
          More sharing options
        </button>
      ) : null}
    </div>
  );
}
