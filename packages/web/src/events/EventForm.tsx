import type { LiveEvent } from '@onair/protocol';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { SelectField, TextAreaField, TextField } from '../components/Field.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { HashtagInput, MAX_HASHTAGS, normalizeHashtag } from '../components/golive/HashtagInput.tsx';
import { errorMessage } from '../lib/errors.ts';
import { allTimeZones, browserTimeZone, formatInZone, localInZone } from './zones.ts';

export interface EventFormPrefill {
  startsLocal?: string | undefined;
  timeZone?: string | undefined;
}

/**
 * Schedule a LIVE: a wall-clock start in a zone (the browser's by default, any IANA zone on offer),
 * how long it should last, what it is about. The server turns the start into an instant and checks
 * the rules (not past, at most 90 days ahead, 20 upcoming at most); its message is shown as is.
 */
export function EventForm({
  prefill,
  onScheduled,
}: {
  prefill: EventFormPrefill;
  onScheduled: (e: LiveEvent) => void;
}) {
  const [title, setTitle] = useState('');
  const [startsLocal, setStartsLocal] = useState(
    prefill.startsLocal ?? `${localInZone(86_400_000, prefill.timeZone ?? browserTimeZone()).slice(0, 14)}00`,
  );
  const [timeZone, setTimeZone] = useState(prefill.timeZone ?? browserTimeZone());
  const [durationMin, setDurationMin] = useState('60');
  const [description, setDescription] = useState('');
  const [coverUrl, setCoverUrl] = useState('');
  const [hashtags, setHashtags] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    let tags = hashtags;
    if (draft.trim()) {
      const tag = normalizeHashtag(draft);
      if (!tag) {
        setError(`“${draft.trim()}” can't be a hashtag: use letters, digits and _.`);
        return;
      }
      if (!tags.includes(tag)) tags = [...tags, tag].slice(0, MAX_HASHTAGS);
    }
    setBusy(true);
    try {
      const created = await api.scheduleEvent({
        title,
        startsLocal,
        timeZone,
        durationMin: Number(durationMin),
        description,
        ...(coverUrl.trim() ? { coverUrl: coverUrl.trim() } : {}),
        hashtags: tags,
      });
      setTitle('');
      setDescription('');
      setHashtags([]);
      setDraft('');
      onScheduled(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form event-form" onSubmit={onSubmit} noValidate data-testid="event-form">
      <TextField
        label="Title"
        name="title"
        value={title}
        maxLength={80}
        required
        onChange={(e) => setTitle(e.target.value)}
      />
      <div className="event-form-when">
        <TextField
          label="Starts"
          name="startsLocal"
          type="datetime-local"
          value={startsLocal}
          required
          onChange={(e) => setStartsLocal(e.target.value)}
        />
        <SelectField
          label="Time zone"
          name="timeZone"
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          options={allTimeZones().map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
        />
        <TextField
          label="Expected length (minutes)"
          name="durationMin"
          type="number"
          min={15}
          max={720}
          step={5}
          value={durationMin}
          onChange={(e) => setDurationMin(e.target.value)}
        />
      </div>
      {timeZone !== browserTimeZone() && startsLocal ? (
        <p className="field-hint">
          Planned in {timeZone.replace(/_/g, ' ')}; viewers see it in their own time zone.
        </p>
      ) : null}
      <TextAreaField
        label="Description"
        name="description"
        optional
        rows={3}
        maxChars={2000}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <TextField
        label="Cover image URL"
        name="coverUrl"
        optional
        type="url"
        placeholder="https://"
        hint="https only"
        value={coverUrl}
        onChange={(e) => setCoverUrl(e.target.value)}
      />
      <HashtagInput value={hashtags} onChange={setHashtags} draft={draft} onDraftChange={setDraft} />
      <FormError message={error} />
      <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>
        {busy ? 'Scheduling…' : 'Schedule LIVE'}
      </button>
    </form>
  );
}

/** One line per event: when (viewer's zone), status, reminders. */
export function EventRow({ event, children }: { event: LiveEvent; children?: ReactNode }) {
  return (
    <div className="event-row" data-testid="event-row">
      <div className="event-row-main">
        <Link to={`/events/${event.id}`} className="event-row-title">
          {event.title}
        </Link>
        <p className="muted">
          {formatInZone(event.startsAt)} · {event.durationMin} min
          {event.status !== 'scheduled' ? ` · ${event.status}` : ''}
        </p>
      </div>
      <span className="event-row-rsvps" data-testid="event-rsvps">
        {event.rsvpCount} {event.rsvpCount === 1 ? 'reminder' : 'reminders'}
      </span>
      {children}
    </div>
  );
}
