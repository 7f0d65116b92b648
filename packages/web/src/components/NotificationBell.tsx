import type { Notification } from '@onair/protocol';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api } from '../app/api.ts';
import { useNotificationFrames, useOnReconnect } from '../app/realtime.tsx';
import { errorMessage } from '../lib/errors.ts';
import { relativeTime } from '../lib/format.ts';
import { Avatar } from './Avatar.tsx';
import { BellIcon, BroadcastIcon } from './Icons.tsx';

const PAGE = 20;

/** What a notification says: "<name> is LIVE now" for a LIVE start. */
export function notificationText(n: Notification): string {
  if (n.kind === 'live_started' && n.actor) return `${n.actor.displayName} is LIVE now`;
  return n.text;
}

/** Where a notification leads: the creator's LIVE, or the scheduled event it is about. */
export function notificationHref(n: Notification): string | null {
  if (n.eventId && n.kind !== 'event_live') return `/events/${n.eventId}`;
  return n.actor ? `/@${n.actor.handle}/live` : null;
}

/**
 * The top bar's bell: unread count on the badge and in its name, a panel of notifications that
 * marks them read when it opens, and live updates from the realtime connection.
 */
export function NotificationBell() {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Unread when the panel opened: they keep their highlight until it closes. */
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef(open);
  openRef.current = open;
  const panelId = useId();
  const titleId = useId();
  const location = useLocation();

  const load = useCallback(async () => {
    try {
      const page = await api.notifications({ limit: PAGE });
      setItems((current) => {
        // Keep older pages already loaded below the refreshed first page.
        const ids = new Set(page.items.map((n) => n.id));
        const oldest = page.items.at(-1)?.createdAt ?? '';
        const older = current.filter((n) => !ids.has(n.id) && n.createdAt < oldest);
        return [...page.items, ...older];
      });
      setUnread(page.unread);
      setNextCursor((c) => c ?? page.nextCursor);
      setLoaded(true);
      setError(null);
      return page;
    } catch (err) {
      setError(errorMessage(err));
      return null;
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  useOnReconnect(() => void load());

  const markAllRead = useCallback(async () => {
    try {
      const result = await api.markNotificationsRead();
      setUnread(result.unread);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useNotificationFrames((n) => {
    setItems((current) => [n, ...current.filter((x) => x.id !== n.id)]);
    if (openRef.current) {
      // The panel is open: the user is looking at it, so it is read already.
      setFresh((s) => new Set(s).add(n.id));
      void api.markNotificationsRead([n.id]).then(
        (r) => setUnread(r.unread),
        () => {},
      );
    } else {
      setUnread((u) => u + 1);
    }
  });

  async function openPanel() {
    setOpen(true);
    setFresh(new Set(items.filter((n) => n.readAt === null).map((n) => n.id)));
    const page = await load();
    if (page)
      setFresh((s) => new Set([...s, ...page.items.filter((n) => n.readAt === null).map((n) => n.id)]));
    if ((page?.unread ?? unread) > 0) await markAllRead();
    const now = new Date().toISOString();
    setItems((current) => current.map((n) => (n.readAt ? n : { ...n, readAt: now })));
  }

  const close = useCallback((focusButton: boolean) => {
    setOpen(false);
    setFresh(new Set());
    if (focusButton) buttonRef.current?.focus();
  }, []);

  // Close on navigation (a notification was followed), on Escape, and on a click outside.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path change is the trigger.
  useEffect(() => {
    if (openRef.current) close(false);
  }, [location.pathname, close]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close(true);
    };
    const onPointer = (e: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, close]);

  async function loadMore() {
    if (!nextCursor) return;
    try {
      const page = await api.notifications({ limit: PAGE, cursor: nextCursor });
      setItems((current) => {
        const ids = new Set(current.map((n) => n.id));
        return [...current, ...page.items.filter((n) => !ids.has(n.id))];
      });
      setNextCursor(page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const label = unread > 0 ? `Notifications (${unread} unread)` : 'Notifications';
  return (
    <div className="notif" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn notif-bell"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close(false) : void openPanel())}
        data-testid="notification-bell"
      >
        <BellIcon size={24} />
        {unread > 0 ? (
          <span className="notif-badge" aria-hidden="true" data-testid="notification-badge">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section
          id={panelId}
          className="notif-panel"
          aria-labelledby={titleId}
          data-testid="notification-panel"
        >
          <header className="notif-panel-head">
            <h2 id={titleId} className="notif-panel-title">
              Notifications
            </h2>
            <Link
              to="/settings/notifications"
              className="link-subtle"
              data-testid="notification-settings-link"
            >
              Settings
            </Link>
          </header>
          {error ? (
            <p className="notif-error" role="alert">
              {error}
            </p>
          ) : null}
          {!loaded ? (
            <p className="notif-empty muted">Loading…</p>
          ) : items.length === 0 ? (
            <div className="notif-empty">
              <BroadcastIcon size={28} />
              <p className="muted">No notifications yet. Follow creators to hear when they go LIVE.</p>
            </div>
          ) : (
            <ul className="notif-list">
              {items.map((n) => (
                <li key={n.id}>
                  <NotificationItem notification={n} fresh={fresh.has(n.id)} />
                </li>
              ))}
            </ul>
          )}
          {nextCursor ? (
            <button type="button" className="btn-link notif-more" onClick={() => void loadMore()}>
              Show older
            </button>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function NotificationItem({ notification: n, fresh }: { notification: Notification; fresh: boolean }) {
  const href = notificationHref(n);
  const body = (
    <>
      {n.actor ? (
        <span className="notif-avatar">
          <Avatar user={n.actor} size={44} />
          {n.kind === 'live_started' || n.kind === 'event_live' ? (
            <span className="notif-avatar-live" aria-hidden="true">
              LIVE
            </span>
          ) : null}
        </span>
      ) : (
        <span className="notif-avatar notif-avatar-none" aria-hidden="true">
          <BroadcastIcon size={22} />
        </span>
      )}
      <span className="notif-body">
        <span className="notif-text">{notificationText(n)}</span>
        <time className="notif-time" dateTime={n.createdAt} title={new Date(n.createdAt).toLocaleString()}>
          {relativeTime(n.createdAt)}
        </time>
      </span>
      {fresh ? (
        <span className="notif-dot">
          <span className="visually-hidden">New</span>
        </span>
      ) : null}
    </>
  );
  return href ? (
    <Link to={href} className={`notif-item${fresh ? ' is-fresh' : ''}`} data-testid="notification-item">
      {body}
    </Link>
  ) : (
    <div className={`notif-item${fresh ? ' is-fresh' : ''}`} data-testid="notification-item">
      {body}
    </div>
  );
}
