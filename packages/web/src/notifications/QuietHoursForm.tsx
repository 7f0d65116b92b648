import type { PushSettings } from '@onair/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../app/api.ts';
import { SelectField, TextField } from '../components/Field.tsx';
import { FormError, FormSuccess } from '../components/FormMessage.tsx';
import { allTimeZones, browserTimeZone } from '../events/zones.ts';
import { errorMessage } from '../lib/errors.ts';

const DEFAULT = { start: '22:00', end: '07:30' };

/** Quiet hours (no push between two times, in a time zone) and the hourly cap, explained. */
export function QuietHoursForm({
  settings,
  onSaved,
}: {
  settings: PushSettings;
  onSaved: (settings: PushSettings) => void;
}) {
  const saved = settings.quietHours;
  const [on, setOn] = useState(saved !== null);
  const [start, setStart] = useState(saved?.start ?? DEFAULT.start);
  const [end, setEnd] = useState(saved?.end ?? DEFAULT.end);
  const [timeZone, setTimeZone] = useState(saved?.timeZone ?? browserTimeZone());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const zones = allTimeZones().includes(timeZone) ? allTimeZones() : [timeZone, ...allTimeZones()];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const next = await api.updatePushSettings({ quietHours: on ? { start, end, timeZone } : null });
      onSaved(next);
      setDone(
        next.quietHours ? `Quiet from ${next.quietHours.start} to ${next.quietHours.end}` : 'Quiet hours off',
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="quiet-title" data-testid="quiet-hours">
      <h2 id="quiet-title" className="panel-title">
        Quiet hours
      </h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <label className="push-kind">
          <span className="push-kind-text">
            <span className="push-kind-label">Pause notifications at night</span>
            <span className="push-kind-hint">Nothing is pushed to any of your devices in these hours.</span>
          </span>
          <input
            type="checkbox"
            role="switch"
            className="switch"
            checked={on}
            aria-checked={on}
            onChange={(e) => setOn(e.target.checked)}
            data-testid="quiet-toggle"
          />
        </label>
        {on ? (
          <>
            <div className="push-quiet-times">
              <TextField
                label="From"
                name="quietStart"
                type="time"
                required
                value={start}
                onChange={(e) => setStart(e.target.value)}
              />
              <TextField
                label="Until"
                name="quietEnd"
                type="time"
                required
                value={end}
                onChange={(e) => setEnd(e.target.value)}
              />
            </div>
            <SelectField
              label="Time zone"
              name="quietTimeZone"
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
              options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
            />
          </>
        ) : null}
        <p className="muted push-cap">
          At most {settings.maxPerHour} notifications about LIVEs and reminders reach you per hour, across all
          your devices.
        </p>
        <FormError message={error} />
        <FormSuccess message={done} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save quiet hours
          </button>
        </div>
      </form>
    </section>
  );
}
