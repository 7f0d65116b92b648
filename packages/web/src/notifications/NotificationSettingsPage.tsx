import { deviceName, type PushDevice, type PushSettings } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { FormError } from '../components/FormMessage.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { DeviceRow } from './DeviceRow.tsx';
import {
  currentSubscription,
  forgetDevice,
  PushSetupError,
  rememberDevice,
  rememberedDevice,
  subscribe,
  unsubscribe,
  unsupportedReason,
} from './push-client.ts';
import { QuietHoursForm } from './QuietHoursForm.tsx';
import { type Failure, type Here, ThisDevice } from './ThisDevice.tsx';
import './notifications.css';

/**
 * Reads where this browser stands. Never asks for permission: that happens only in the tap's
 * handler (turnOn), so opening the page cannot raise a prompt.
 */
async function detectHere(devices: PushDevice[]): Promise<Here> {
  const reason = unsupportedReason();
  if (reason) return { state: 'unsupported', reason };
  if (Notification.permission === 'denied') return { state: 'denied' };
  if (Notification.permission !== 'granted') return { state: 'off' };
  const subscription = await currentSubscription().catch(() => null);
  const id = subscription ? rememberedDevice(subscription.endpoint) : null;
  const device = devices.find((d) => d.id === id);
  return device ? { state: 'on', deviceId: device.id, name: device.name } : { state: 'off' };
}

export function NotificationSettingsPage() {
  useDocumentTitle('Notifications');
  const [settings, setSettings] = useState<PushSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [publicKey, setPublicKey] = useState<string | null>(null);
  const [here, setHere] = useState<Here>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const devicesRef = useRef<PushDevice[]>([]);
  devicesRef.current = settings?.devices ?? [];

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const loaded = await api.pushSettings();
      setSettings(loaded);
      setHere(await detectHere(loaded.devices));
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
    // The key is public and asking for it prompts nothing; having it before the tap keeps the
    // permission request first in the tap's handler.
    api.pushKey().then(
      (k) => setPublicKey(k.publicKey),
      (err: unknown) => setFailure({ reason: 'server', detail: errorMessage(err) }),
    );
  }, [load]);

  // Back from a notification or another tab: "last push" and devices added elsewhere catch up.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      api.pushSettings().then(
        (fresh) => setSettings((s) => (s ? { ...s, devices: fresh.devices } : s)),
        () => {},
      );
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  // Permission changed in the browser's site settings while the page is open.
  useEffect(() => {
    if (unsupportedReason() || !navigator.permissions) return;
    let status: PermissionStatus | null = null;
    const onChange = () => void detectHere(devicesRef.current).then(setHere);
    navigator.permissions.query({ name: 'notifications' }).then(
      (s) => {
        status = s;
        s.addEventListener('change', onChange);
      },
      () => {},
    );
    return () => status?.removeEventListener('change', onChange);
  }, []);

  const changeDevice = useCallback((id: string, update: (d: PushDevice) => PushDevice) => {
    setSettings((s) => s && { ...s, devices: s.devices.map((d) => (d.id === id ? update(d) : d)) });
  }, []);

  const dropDevice = useCallback((id: string) => {
    setSettings((s) => s && { ...s, devices: s.devices.filter((d) => d.id !== id) });
  }, []);

  async function turnOn() {
    if (!publicKey) return;
    setBusy(true);
    setFailure(null);
    try {
      const subscription = await subscribe(publicKey);
      let device: PushDevice;
      try {
        device = await api.addPushDevice({ subscription, name: deviceName(navigator.userAgent) });
      } catch (err) {
        // The server refused it: a subscription nobody sends to is only clutter in the browser.
        await unsubscribe().catch(() => {});
        throw err;
      }
      rememberDevice(subscription.endpoint, device.id);
      setSettings((s) => s && { ...s, devices: [device, ...s.devices.filter((d) => d.id !== device.id)] });
      setHere({ state: 'on', deviceId: device.id, name: device.name });
    } catch (err) {
      if (err instanceof PushSetupError) {
        if (err.reason === 'denied') setHere({ state: 'denied' });
        else setFailure({ reason: err.reason, detail: err.reason === 'push_service' ? err.message : '' });
      } else {
        setFailure({ reason: 'server', detail: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  }

  async function turnOff(deviceId: string) {
    try {
      await api.removePushDevice(deviceId);
    } catch (err) {
      // Already gone on the server (removed from another device): still stop it here.
      if (!(err instanceof OnAirError && err.code === 'push.device_not_found')) throw err;
    }
    await unsubscribe().catch(() => {});
    forgetDevice();
    dropDevice(deviceId);
    setHere({ state: 'off' });
  }

  async function onTurnOff() {
    if (here.state !== 'on') return;
    setBusy(true);
    setFailure(null);
    try {
      await turnOff(here.deviceId);
    } catch (err) {
      setFailure({ reason: 'server', detail: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  async function remove(device: PushDevice) {
    if (here.state === 'on' && here.deviceId === device.id) return turnOff(device.id);
    await api.removePushDevice(device.id);
    dropDevice(device.id);
  }

  const thisId = here.state === 'on' ? here.deviceId : null;
  // This device first, then the newest.
  const devices = [...(settings?.devices ?? [])].sort(
    (a, b) => Number(b.id === thisId) - Number(a.id === thisId) || b.createdAt.localeCompare(a.createdAt),
  );

  return (
    <div className="page settings-page push-page" data-testid="notification-settings">
      <header className="page-header">
        <h1 className="page-title">Notifications</h1>
        <Link to="/settings/profile" className="link-subtle">
          Edit profile
        </Link>
      </header>
      {loadError ? (
        <section className="panel">
          <FormError message={loadError} />
          <div className="form-actions push-actions-start">
            <button type="button" className="btn btn-secondary" onClick={() => void load()}>
              Try again
            </button>
          </div>
        </section>
      ) : !settings ? (
        <PageLoading label="Loading notification settings…" />
      ) : (
        <div className="stack">
          <ThisDevice
            here={here}
            busy={busy}
            failure={failure}
            canSubscribe={publicKey !== null}
            onTurnOn={() => void turnOn()}
            onTurnOff={() => void onTurnOff()}
          />
          <section className="panel" aria-labelledby="devices-title">
            <h2 id="devices-title" className="panel-title">
              Your devices
            </h2>
            {devices.length === 0 ? (
              <p className="muted" data-testid="push-devices-empty">
                No device gets notifications yet. Turn them on above, and on your phone by opening this page
                there.
              </p>
            ) : (
              <ul className="push-devices" aria-label="Devices that get notifications">
                {devices.map((d) => (
                  <DeviceRow
                    key={d.id}
                    device={d}
                    thisDevice={d.id === thisId}
                    onChange={(update) => changeDevice(d.id, update)}
                    onRemove={() => remove(d)}
                  />
                ))}
              </ul>
            )}
          </section>
          <QuietHoursForm settings={settings} onSaved={setSettings} />
        </div>
      )}
    </div>
  );
}
