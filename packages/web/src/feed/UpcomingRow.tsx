import type { LiveEvent } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { formatInZone, startLabel } from '../events/zones.ts';
import { compactCount } from '../lib/format.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import './feed.css';

const LIMIT = 12;
/** Reloaded every minute: "In 25 min" counts down and events that have started drop out. */
const REFRESH_MS = 60_000;
const COVER_URL = /^https:\/\//i;

/**
 * The feed's "Upcoming" strip: scheduled LIVEs, for a signed-in viewer those of creators they follow
 * and those they asked to be reminded of first (the server orders them). Absent when there are none.
 * The feed keys it by the viewer, so signing in or out loads that viewer's order.
 */
export function UpcomingRow() {
  const [state, setState] = useState<{ items: LiveEvent[]; at: number }>({ items: [], at: 0 });
  const mounted = useRef(true);
  const load = useCallback(() => {
    api.upcomingEvents({ limit: LIMIT }).then(
      (list) => mounted.current && setState({ items: list.items, at: Date.now() }),
      // A failed refresh keeps what is shown; the next one tries again.
      () => undefined,
    );
  }, []);
  useEffect(() => {
    mounted.current = true;
    load();
    return () => {
      mounted.current = false;
    };
  }, [load]);
  useVisibleInterval(load, REFRESH_MS);
  const { items, at: now } = state;
  if (items.length === 0) return null;
  return (
    <section className="feed-upcoming" aria-labelledby="feed-upcoming-title" data-testid="feed-upcoming">
      <h2 id="feed-upcoming-title" className="feed-upcoming-title">
        Upcoming
      </h2>
      <ul className="feed-upcoming-row">
        {items.map((e) => (
          <li key={e.id}>
            <UpcomingCard event={e} now={now} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function UpcomingCard({ event: e, now }: { event: LiveEvent; now: number }) {
  const [coverFailed, setCoverFailed] = useState(false);
  const cover = e.coverUrl && COVER_URL.test(e.coverUrl) && !coverFailed ? e.coverUrl : null;
  return (
    <Link to={`/events/${e.id}`} className="upcoming-card" data-testid="upcoming-card">
      <span className="upcoming-card-art">
        {cover ? (
          <img
            src={cover}
            alt=""
            loading="lazy"
            referrerPolicy="no-referrer"
            onError={() => setCoverFailed(true)}
          />
        ) : (
          <Avatar user={e.creator} size={56} />
        )}
        {e.rsvped ? <span className="upcoming-card-badge">Reminder set</span> : null}
      </span>
      <span className="upcoming-card-body">
        <time className="upcoming-card-when" dateTime={e.startsAt} title={formatInZone(e.startsAt)}>
          {startLabel(e.startsAt, now)}
        </time>
        <span className="upcoming-card-title">{e.title}</span>
        <span className="upcoming-card-meta">
          <span className="upcoming-card-creator">{e.creator.displayName || `@${e.creator.handle}`}</span>
          <span data-testid="upcoming-rsvps">{compactCount(e.rsvpCount)} going</span>
        </span>
      </span>
    </Link>
  );
}
