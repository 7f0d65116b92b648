import { type FormEvent, useState } from 'react';
import { Sheet } from '../components/Sheet.tsx';
import { useRoomUi } from './RoomContext.tsx';

const REASONS = [
  'Spam or scam',
  'Harassment or bullying',
  'Hate speech',
  'Sexual content',
  'Violence or threats',
  'Something else',
] as const;

/** "Report": why, then off to the admins. The outcome shows in the room's notice line. */
export function ReportSheet() {
  const { reporting, setReporting } = useRoomUi();
  if (!reporting) return null;
  return (
    <Sheet title="Report comment" onClose={() => setReporting(null)} testId="report-sheet">
      <ReportForm />
    </Sheet>
  );
}

function ReportForm() {
  const { reporting: comment, setReporting, room } = useRoomUi();
  const [reason, setReason] = useState<string>(REASONS[0]);
  const [busy, setBusy] = useState(false);
  if (!comment) return null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!comment) return;
    setBusy(true);
    const ok = await room.report(comment, reason);
    setBusy(false);
    if (ok) setReporting(null);
  }

  return (
    <form className="form report-form" onSubmit={onSubmit}>
      <blockquote className="report-quote">
        <strong>{comment.user.displayName}</strong>: {comment.text}
      </blockquote>
      <fieldset className="radio-list">
        <legend className="field-label">Why are you reporting it?</legend>
        {REASONS.map((r) => (
          <label key={r} className="radio-row">
            <input
              type="radio"
              name="report-reason"
              value={r}
              checked={reason === r}
              onChange={() => setReason(r)}
            />
            {r}
          </label>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={() => setReporting(null)}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="report-submit">
          Send report
        </button>
      </div>
    </form>
  );
}
