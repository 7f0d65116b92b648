import type { LiveEvent } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { CalendarIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { browserTimeZone, formatInZone } from './zones.ts';
import './events.css';

const STATUS_LABEL: Record<LiveEvent['status'], string> = {
  scheduled: 'Scheduled',
  live: 'LIVE now',
  kept: 'Happened',
  missed: 'Did not happen',
  cancelled: 'Cancelled',
};

/** `/events/:id`: a scheduled LIVE, its time in your zone and the creator's, "Remind me" and a calendar file. */
export function EventPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [event, setEvent] = useState<LiveEvent | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(event ? event.title : 'LIVE event');

  useEffect(() => {
    let live = true;
    api.event(id).then(
      (e) => live && setEvent(e),
      (err) => {
        if (!live) return;
        if (err instanceof OnAirError && (err.status === 404 || err.status === 400)) setMissing(true);
        else setError(errorMessage(err));
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (missing)
    return (
      <div className="page">
        <EmptyState level={1} icon={<CalendarIcon size={44} />} title="No such event">
          <p>It may have been removed with its creator's account.</p>
        </EmptyState>
      </div>
    );
  if (!event)
    return error ? (
      <div className="page">
        <FormError message={error} />
      </div>
    ) : (
      <PageLoading />
    );

  const mine = session.user?.id === event.creator.id;
  const open = event.status === 'scheduled' && Date.parse(event.startsAt) > Date.now();
  const sameZone = browserTimeZone() === event.timeZone;

  async function toggle() {
    if (!event) return;
    setBusy(true);
    setError(null);
    try {
      const state = event.rsvped ? await api.unrsvp(event.id) : await api.rsvp(event.id);
      setEvent({ ...event, rsvped: state.rsvped, rsvpCount: state.rsvpCount });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!event) return;
    setBusy(true);
    try {
      setEvent(await api.cancelEvent(event.id));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page event-page" data-testid="event-page">
      {event.coverUrl ? <img className="event-cover" src={event.coverUrl} alt="" /> : null}
      <p className={`event-status event-status-${event.status}`} data-testid="event-status">
        {STATUS_LABEL[event.status]}
      </p>
      <h1 className="page-title">{event.title}</h1>
      <Link to={`/@${event.creator.handle}`} className="event-creator">
        <Avatar user={event.creator} size={32} />
        <span>{event.creator.displayName}</span>
      </Link>
      <dl className="event-when">
        <dt>Your time</dt>
        <dd data-testid="event-local-time">
          <time dateTime={event.startsAt}>{formatInZone(event.startsAt)}</time>
        </dd>
        {sameZone ? null : (
          <>
            <dt>Creator's time ({event.timeZone.replace(/_/g, ' ')})</dt>
            <dd data-testid="event-zone-time">{formatInZone(event.startsAt, event.timeZone)}</dd>
          </>
        )}
        <dt>Length</dt>
        <dd>about {event.durationMin} minutes</dd>
      </dl>
      {event.description ? <p className="event-description">{event.description}</p> : null}
      {event.hashtags.length > 0 ? (
        <p className="event-tags">
          {event.hashtags.map((t) => (
            <Link key={t} to={`/tag/${encodeURIComponent(t)}`}>
              #{t}
            </Link>
          ))}
        </p>
      ) : null}
      <div className="event-actions">
        {event.status === 'live' ? (
          <Link to={`/@${event.creator.handle}/live`} className="btn btn-primary btn-lg">
            Watch the LIVE
          </Link>
        ) : null}
        {open && !mine ? (
          session.user ? (
            <button
              type="button"
              className={`btn btn-lg ${event.rsvped ? 'btn-secondary' : 'btn-primary'}`}
              aria-pressed={event.rsvped ?? false}
              disabled={busy}
              onClick={() => void toggle()}
              data-testid="event-remind"
            >
              {event.rsvped ? 'Reminder set' : 'Remind me'}
            </button>
          ) : (
            <Link to={`/login?next=/events/${event.id}`} className="btn btn-primary btn-lg">
              Log in to get a reminder
            </Link>
          )
        ) : null}
        <a className="btn btn-ghost" href={api.eventCalendarUrl(event.id)} download data-testid="event-ics">
          <CalendarIcon size={18} />
          Add to calendar (.ics)
        </a>
        {mine && open ? (
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => void cancel()}>
            Cancel this LIVE
          </button>
        ) : null}
      </div>
      <p className="muted" data-testid="event-rsvp-count">
        {event.rsvpCount} {event.rsvpCount === 1 ? 'person wants' : 'people want'} a reminder
      </p>
      <FormError message={error} />
    </div>
  );
}
