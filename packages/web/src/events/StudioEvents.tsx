import type { LiveEvent, MyEventsList, StudioConsistency } from '@onair/protocol';
import { useState } from 'react';
import { api } from '../app/api.ts';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { Figure, useLoad } from '../studio/common.tsx';
import { EventForm, type EventFormPrefill, EventRow } from './EventForm.tsx';
import { browserTimeZone, nextWeekdayHour, WEEKDAY_NAMES } from './zones.ts';
import './events.css';

const hourLabel = (h: number) => `${h % 12 === 0 ? 12 : h % 12}${h < 12 ? ' AM' : ' PM'}`;

/** The Studio's Events tab: how consistent you are, scheduling (at your best time in one click), your upcoming LIVEs. */
export function StudioEvents() {
  const zone = browserTimeZone();
  const consistency = useLoad(() => api.studioConsistency({ tz: zone }), `consistency:${zone}`);
  const mine = useLoad(() => api.myEvents(), 'my-events');
  const [prefill, setPrefill] = useState<EventFormPrefill>({});
  const [formKey, setFormKey] = useState(0);
  const [error, setError] = useState<string | null>(null);

  function atBestTime(c: StudioConsistency) {
    if (!c.bestTime) return;
    setPrefill({
      startsLocal: nextWeekdayHour(c.bestTime.weekday, c.bestTime.hour, c.bestTime.timeZone),
      timeZone: c.bestTime.timeZone,
    });
    setFormKey((k) => k + 1);
  }

  async function cancel(e: LiveEvent) {
    try {
      await api.cancelEvent(e.id);
      mine.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="stack studio-events" data-testid="studio-events">
      {consistency.error ? <p className="form-error">{consistency.error}</p> : null}
      {consistency.data ? (
        <ConsistencyCard data={consistency.data} onBestTime={() => atBestTime(consistency.data!)} />
      ) : (
        <PageLoading />
      )}
      <div className="studio-columns">
        <section className="panel" aria-labelledby="schedule-title">
          <h3 id="schedule-title" className="studio-chart-title">
            Schedule a LIVE
          </h3>
          <EventForm key={formKey} prefill={prefill} onScheduled={() => mine.reload()} />
        </section>
        <section className="panel" aria-labelledby="upcoming-title">
          <h3 id="upcoming-title" className="studio-chart-title">
            Upcoming
          </h3>
          {error ? <p className="form-error">{error}</p> : null}
          <MyEvents data={mine.data} onCancel={(e) => void cancel(e)} />
        </section>
      </div>
    </div>
  );
}

function ConsistencyCard({ data, onBestTime }: { data: StudioConsistency; onBestTime: () => void }) {
  return (
    <section className="panel" data-testid="studio-consistency">
      <div className="studio-figures">
        <Figure label="week streak" value={String(data.weeklyStreak)} hint="weeks in a row with a LIVE" />
        <Figure label="LIVE days" value={String(data.liveDays28)} hint="in the last 28 days" />
        <Figure
          label="kept"
          value={data.keptShare === null ? '–' : `${Math.round(data.keptShare * 100)}%`}
          hint={`${data.eventsKept} of ${data.eventsScheduled} scheduled LIVEs`}
        />
      </div>
      {data.bestTime ? (
        <p className="event-best">
          Your followers watch most on{' '}
          <strong>
            {WEEKDAY_NAMES[data.bestTime.weekday]} at {hourLabel(data.bestTime.hour)}
          </strong>{' '}
          ({data.bestTime.timeZone.replace(/_/g, ' ')}).{' '}
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={onBestTime}
            data-testid="schedule-best-time"
          >
            Schedule at this time
          </button>
        </p>
      ) : (
        <p className="studio-muted">Your best time shows once followers have watched your LIVEs.</p>
      )}
    </section>
  );
}

function MyEvents({ data, onCancel }: { data: MyEventsList | null; onCancel: (e: LiveEvent) => void }) {
  if (!data) return <PageLoading />;
  if (data.items.length === 0) return <p className="studio-muted">Nothing scheduled yet.</p>;
  return (
    <>
      <p className="studio-muted" data-testid="studio-total-rsvps">
        {data.totalRsvps} {data.totalRsvps === 1 ? 'reminder' : 'reminders'} requested in all
      </p>
      <ul className="event-list">
        {data.items.map((e) => (
          <li key={e.id}>
            <EventRow event={e}>
              {e.status === 'scheduled' ? (
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => onCancel(e)}>
                  Cancel
                </button>
              ) : null}
            </EventRow>
          </li>
        ))}
      </ul>
    </>
  );
}
