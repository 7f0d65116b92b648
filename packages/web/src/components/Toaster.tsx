import type { Notification } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useNotificationFrames } from '../app/realtime.tsx';
import { Avatar } from './Avatar.tsx';
import { CloseIcon } from './Icons.tsx';
import { notificationHref, notificationText } from './NotificationBell.tsx';

const TOAST_MS = 6000;
const MAX_TOASTS = 3;

/**
 * "<name> is LIVE now · Watch" toasts for realtime notifications, for about 6 s each. The timer
 * pauses while the pointer or focus is on a toast, so it never vanishes mid-read or mid-tab.
 */
export function Toaster() {
  const [toasts, setToasts] = useState<Notification[]>([]);
  const { pathname } = useLocation();

  useNotificationFrames((n) => {
    // Already on that creator's LIVE page: it switches to the LIVE by itself, a toast would only cover it.
    if (n.actor && pathname.toLowerCase() === `/@${n.actor.handle}/live`) return;
    setToasts((list) => [n, ...list.filter((t) => t.id !== n.id)].slice(0, MAX_TOASTS));
  });

  const dismiss = useCallback((id: string) => {
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  return (
    // Always in the DOM, so screen readers are already listening when a toast arrives.
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <Toast key={t.id} notification={t} onDismiss={dismiss} />
      ))}
    </div>
  );
}

function Toast({
  notification: n,
  onDismiss,
}: {
  notification: Notification;
  onDismiss: (id: string) => void;
}) {
  const [paused, setPaused] = useState(false);
  const remaining = useRef(TOAST_MS);
  const startedAt = useRef(0);

  useEffect(() => {
    if (paused) return;
    startedAt.current = performance.now();
    const timer = setTimeout(() => onDismiss(n.id), remaining.current);
    return () => {
      clearTimeout(timer);
      remaining.current = Math.max(1000, remaining.current - (performance.now() - startedAt.current));
    };
  }, [paused, n.id, onDismiss]);

  const href = notificationHref(n);
  const text = notificationText(n);
  // Reminders and cancellations are about a scheduled LIVE, not one on air now.
  const live = n.kind === 'live_started' || n.kind === 'event_live';
  return (
    <article
      className="toast"
      aria-label={text}
      data-testid="toast"
      onPointerEnter={() => setPaused(true)}
      onPointerLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      {n.actor ? <Avatar user={n.actor} size={40} /> : null}
      <p className="toast-text">
        {live ? (
          <>
            <span className="live-pill" aria-hidden="true">
              LIVE
            </span>{' '}
          </>
        ) : null}
        {text}
      </p>
      {href ? (
        <Link to={href} className="btn btn-primary btn-sm" onClick={() => onDismiss(n.id)}>
          {live ? 'Watch' : 'View'}
        </Link>
      ) : null}
      <button
        type="button"
        className="icon-btn toast-close"
        aria-label="Dismiss"
        onClick={() => onDismiss(n.id)}
      >
        <CloseIcon size={18} />
      </button>
    </article>
  );
}
