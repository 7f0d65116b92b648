import type { LiveEvent } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { CalendarIcon } from '../components/Icons.tsx';
import { formatInZone } from './zones.ts';
import './events.css';

/** A creator's upcoming LIVEs on their profile, in the viewer's time zone; absent when there are none. */
export function UpcomingEvents({ handle }: { handle: string }) {
  const [items, setItems] = useState<LiveEvent[]>([]);
  useEffect(() => {
    let live = true;
    api.creatorEvents(handle, { limit: 5 }).then(
      (list) => live && setItems(list.items),
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
  }, [handle]);
  if (items.length === 0) return null;
  return (
    <section className="profile-upcoming" aria-labelledby="upcoming-title" data-testid="profile-upcoming">
      <h2 id="upcoming-title" className="section-title">
        Upcoming LIVEs
      </h2>
      <ul className="event-list">
        {items.map((e) => (
          <li key={e.id}>
            <Link to={`/events/${e.id}`} className="event-card">
              <CalendarIcon size={20} />
              <span className="event-card-body">
                <span className="event-card-title">{e.title}</span>
                <span className="muted">{formatInZone(e.startsAt)}</span>
              </span>
              {e.rsvped ? <span className="event-card-badge">Reminder set</span> : null}
            </Link>
          </li>
        ))}
      </ul>
      <a className="btn-link" href={api.creatorCalendarUrl(handle)}>
        Subscribe in your calendar
      </a>
    </section>
  );
}
