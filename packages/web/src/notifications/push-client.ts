import type { PushSubscriptionJson } from '@onair/protocol';
import { serviceWorkerReady } from '../pwa/register.ts';

/**
 * The browser half of Web Push: can this browser do it, ask for permission (only ever from a tap),
 * subscribe with the server's VAPID key, and remember which of the user's devices this browser is.
 */

export type Unsupported = 'insecure' | 'ios-browser' | 'missing';

/** Why push cannot work here, or null when the browser has everything it needs. */
export function unsupportedReason(): Unsupported | null {
  if (!window.isSecureContext) return 'insecure';
  if ('serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window) return null;
  // iOS gives web push only to apps added to the Home Screen; in Safari the APIs are simply absent.
  return /iPhone|iPad|iPod/.test(navigator.userAgent) ? 'ios-browser' : 'missing';
}

export type SetupFailure = 'denied' | 'dismissed' | 'no_worker' | 'push_service';

export class PushSetupError extends Error {
  constructor(
    readonly reason: SetupFailure,
    detail = '',
  ) {
    super(detail || reason);
    this.name = 'PushSetupError';
  }
}

const WORKER_TIMEOUT_MS = 10_000;
/** A push service that cannot be reached leaves subscribe() pending forever in some browsers. */
const SUBSCRIBE_TIMEOUT_MS = 20_000;

function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The app's worker registration, bounded: a failed install would leave `ready` pending forever. */
async function workerRegistration(): Promise<ServiceWorkerRegistration> {
  try {
    return await within(
      serviceWorkerReady(),
      WORKER_TIMEOUT_MS,
      () => new Error('the service worker did not start'),
    );
  } catch (err) {
    throw new PushSetupError('no_worker', err instanceof Error ? err.message : '');
  }
}

/** The browser's current subscription, without waiting for a worker that may never come. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

function toJson(subscription: PushSubscription): PushSubscriptionJson {
  const json = subscription.toJSON();
  const { p256dh, auth } = json.keys ?? {};
  if (!json.endpoint || !p256dh || !auth)
    throw new PushSetupError('push_service', 'The browser returned a subscription without keys');
  return { endpoint: json.endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh, auth } };
}

/**
 * Asks for permission and subscribes. Call it straight from the tap's handler: the permission
 * request comes first so it runs while the tap still counts as a user gesture.
 */
export async function subscribe(publicKey: string): Promise<PushSubscriptionJson> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') throw new PushSetupError('denied');
  if (permission !== 'granted') throw new PushSetupError('dismissed');
  const registration = await workerRegistration();
  const key = base64UrlToBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  // Made with another server key (the server's VAPID key changed): it can no longer be used.
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  try {
    subscription ??= await within(
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
      SUBSCRIBE_TIMEOUT_MS,
      () => new Error('the push service did not answer'),
    );
  } catch (err) {
    const detail = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : '';
    throw new PushSetupError('push_service', detail);
  }
  return toJson(subscription);
}

/** Drops the browser's subscription; the push service forgets it too. */
export async function unsubscribe(): Promise<void> {
  const subscription = await currentSubscription();
  await subscription?.unsubscribe();
}

const STORE_KEY = 'onair.push.device';

/** The server's id for this browser's subscription, kept on the device because the list has no endpoints. */
export function rememberDevice(endpoint: string, deviceId: string): void {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify({ endpoint, deviceId }));
  } catch {
    // Storage blocked: the page then cannot mark "This device", nothing else breaks.
  }
}

export function rememberedDevice(endpoint: string): string | null {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as {
      endpoint?: unknown;
      deviceId?: unknown;
    } | null;
    return stored?.endpoint === endpoint && typeof stored.deviceId === 'string' ? stored.deviceId : null;
  } catch {
    return null;
  }
}

export function forgetDevice(): void {
  try {
    localStorage.removeItem(STORE_KEY);
  } catch {
    // Nothing stored, or storage blocked.
  }
}
