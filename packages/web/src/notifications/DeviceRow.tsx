import { PUSH_KINDS, type PushDevice, type PushKind } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useState } from 'react';
import { api } from '../app/api.ts';
import { FormError, FormSuccess } from '../components/FormMessage.tsx';
import { errorMessage } from '../lib/errors.ts';
import { relativeTime, shortDate } from '../lib/format.ts';

export const KIND_LABELS: Record<PushKind, { label: string; hint: string }> = {
  live: { label: 'LIVE alerts', hint: 'A creator you follow goes LIVE' },
  reminders: { label: 'Reminders', hint: 'A LIVE you asked about starts soon' },
  battles: { label: 'Battles', hint: 'Someone invites you to a battle' },
  money: { label: 'Money', hint: 'A withdrawal is paid' },
};

function testFailure(err: unknown): string {
  if (err instanceof OnAirError && err.code === 'push.test_rate_limited') {
    const wait = (err.data as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    return typeof wait === 'number'
      ? `You just sent a test. You can send another in ${wait} s.`
      : 'You just sent a test. Wait a little, then try again.';
  }
  return errorMessage(err);
}

/**
 * One device: what it is, which kinds reach it (each switch saves at once and flips back if the
 * server refuses), a test push, and removal.
 */
export function DeviceRow({
  device,
  thisDevice,
  onChange,
  onRemove,
}: {
  device: PushDevice;
  thisDevice: boolean;
  /** Applies a change to this device in the page's list (optimistic edits and their rollback). */
  onChange: (update: (d: PushDevice) => PushDevice) => void;
  onRemove: () => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<'test' | 'remove' | null>(null);

  const setKind = (kind: PushKind, on: boolean) =>
    onChange((d) => ({ ...d, kinds: { ...d.kinds, [kind]: on } }));

  async function toggle(kind: PushKind, on: boolean) {
    setError(null);
    setNotice(null);
    setKind(kind, on);
    try {
      await api.updatePushDevice(device.id, { kinds: { [kind]: on } });
    } catch (err) {
      setKind(kind, !on);
      setError(errorMessage(err));
    }
  }

  async function sendTest() {
    setBusy('test');
    setError(null);
    setNotice(null);
    try {
      await api.sendTestPush(device.id);
      setNotice(
        `Test sent. It should appear on ${thisDevice ? 'this device' : device.name} in a few seconds.`,
      );
    } catch (err) {
      setError(testFailure(err));
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    setBusy('remove');
    setError(null);
    setNotice(null);
    try {
      await onRemove();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(null);
    }
  }

  return (
    <li className="push-device" data-testid="push-device" data-device-id={device.id}>
      <div className="push-device-head">
        <div className="push-device-info">
          <span className="push-device-name">
            {device.name}
            {thisDevice ? <span className="badge badge-admin">This device</span> : null}
          </span>
          <span className="push-device-meta">
            {device.service} · added {shortDate(device.createdAt)} ·{' '}
            {device.lastSentAt ? `last push ${relativeTime(device.lastSentAt)}` : 'nothing sent yet'}
          </span>
        </div>
      </div>
      <fieldset className="push-kinds">
        <legend className="visually-hidden">What {device.name} is told about</legend>
        {PUSH_KINDS.map((kind) => (
          <label key={kind} className="push-kind">
            <span className="push-kind-text">
              <span className="push-kind-label">{KIND_LABELS[kind].label}</span>
              <span className="push-kind-hint">{KIND_LABELS[kind].hint}</span>
            </span>
            <input
              type="checkbox"
              role="switch"
              className="switch"
              checked={device.kinds[kind]}
              aria-checked={device.kinds[kind]}
              onChange={(e) => void toggle(kind, e.target.checked)}
              data-kind={kind}
            />
          </label>
        ))}
      </fieldset>
      <FormError message={error} />
      <FormSuccess message={notice} />
      <div className="push-device-actions">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => void sendTest()}
          disabled={busy !== null}
        >
          Send me a test notification
        </button>
        <button
          type="button"
          className="btn btn-danger btn-sm"
          onClick={() => void remove()}
          disabled={busy !== null}
        >
          {thisDevice ? 'Turn off on this device' : 'Remove'}
        </button>
      </div>
    </li>
  );
}
