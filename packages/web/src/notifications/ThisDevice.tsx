import { BellIcon, BellOffIcon } from '../components/Icons.tsx';
import type { SetupFailure, Unsupported } from './push-client.ts';

/** Where this browser stands with push, as the "This device" panel shows it. */
export type Here =
  | { state: 'checking' }
  | { state: 'unsupported'; reason: Unsupported }
  | { state: 'denied' }
  | { state: 'off' }
  | { state: 'on'; deviceId: string; name: string };

/** What went wrong after the tap, for the panel to explain. */
export type Failure =
  | { reason: Exclude<SetupFailure, 'denied'>; detail: string }
  | { reason: 'server'; detail: string };

const UNSUPPORTED: Record<Unsupported, string> = {
  insecure:
    'Notifications need a secure (https) connection to OnAir. Ask whoever runs this server to enable https.',
  'ios-browser':
    'On iPhone and iPad, notifications work once OnAir is on your Home Screen: tap Share, then "Add to Home Screen", and open OnAir from there.',
  missing:
    "This browser can't receive notifications from websites. Try a recent Chrome, Edge, Firefox or Safari.",
};

function failureText(failure: Failure): string {
  switch (failure.reason) {
    case 'dismissed':
      return 'You closed the question without answering. Tap the button again to turn notifications on.';
    case 'no_worker':
      return "OnAir's background worker isn't running in this browser, so it can't receive notifications. Reload the page and try again.";
    case 'push_service':
      return `Your browser allowed notifications, but its push service refused to register this device${
        failure.detail ? ` (${failure.detail})` : ''
      }. Private or incognito windows, and browsers that can't reach their push service, can't get notifications. Try a normal window or another browser.`;
    case 'server':
      return failure.detail;
  }
}

export function ThisDevice({
  here,
  busy,
  failure,
  canSubscribe,
  onTurnOn,
  onTurnOff,
}: {
  here: Here;
  busy: boolean;
  failure: Failure | null;
  /** False when the server's push key could not be loaded. */
  canSubscribe: boolean;
  onTurnOn: () => void;
  onTurnOff: () => void;
}) {
  return (
    <section
      className="panel"
      aria-labelledby="this-device-title"
      data-testid="push-this-device"
      data-state={here.state}
    >
      <div className="panel-head">
        <span className="panel-icon" aria-hidden="true">
          {here.state === 'on' ? <BellIcon size={22} /> : <BellOffIcon size={22} />}
        </span>
        <h2 id="this-device-title" className="panel-title">
          This device
        </h2>
      </div>
      {here.state === 'checking' ? <p className="muted">Checking this browser…</p> : null}
      {here.state === 'unsupported' ? <p className="muted">{UNSUPPORTED[here.reason]}</p> : null}
      {here.state === 'denied' ? (
        <div className="push-blocked" role="status" data-testid="push-denied">
          <p>
            <strong>Notifications are blocked for OnAir in this browser.</strong>
          </p>
          <p className="muted">
            To allow them, open the site settings (tap the icon left of the address, or the browser's menu ▸
            Settings ▸ Site settings ▸ Notifications), set OnAir to Allow, then reload this page.
          </p>
        </div>
      ) : null}
      {here.state === 'off' ? (
        <>
          <p className="muted">
            Get a notification on this device when a creator you follow goes LIVE, even with OnAir closed.
            Your browser will ask you to allow it.
          </p>
          <div className="form-actions push-actions-start">
            <button
              type="button"
              className="btn btn-primary"
              onClick={onTurnOn}
              disabled={busy || !canSubscribe}
              data-testid="push-turn-on"
            >
              <BellIcon size={18} />
              {busy ? 'Turning on…' : 'Turn on notifications'}
            </button>
          </div>
        </>
      ) : null}
      {here.state === 'on' ? (
        <>
          <p className="muted">
            Notifications are on for <strong className="push-here-name">{here.name}</strong>. Choose below
            what it is told about.
          </p>
          <div className="form-actions push-actions-start">
            <button
              type="button"
              className="btn btn-danger"
              onClick={onTurnOff}
              disabled={busy}
              data-testid="push-turn-off"
            >
              Turn off on this device
            </button>
          </div>
        </>
      ) : null}
      {failure ? (
        <p className="form-message form-error" role="alert" data-testid="push-failure">
          {failureText(failure)}
        </p>
      ) : null}
    </section>
  );
}
