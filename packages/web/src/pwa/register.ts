/**
 * Registers the service worker (dist/sw.js, written by swPlugin.ts) for the built app. Not in
 * `vite dev`: there is no sw.js there, and a worker caching dev modules would hide every edit.
 */

let registration: Promise<ServiceWorkerRegistration> | null = null;

const supported = () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator;

function start(): Promise<ServiceWorkerRegistration> {
  registration ??= new Promise<void>((resolve) => {
    // After `load`: the worker's precache downloads the whole bundle again, which must not compete
    // with the first page's own requests.
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => resolve(), { once: true });
  }).then(() =>
    // updateViaCache 'none': the browser checks sw.js itself on every start, never a cached copy.
    navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' }),
  );
  return registration;
}

/** Called once from main.tsx. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !supported()) return;
  start().catch((error: unknown) => console.warn('OnAir: service worker registration failed', error));
}

/**
 * The active registration (for `pushManager`), once the worker is installed and active. Rejects,
 * instead of waiting forever, where there is no worker: an old browser, `vite dev`, a failed install.
 */
export async function serviceWorkerReady(): Promise<ServiceWorkerRegistration> {
  if (!supported())
    throw new Error('This browser has no service workers, so it cannot receive notifications.');
  if (import.meta.env.DEV)
    throw new Error('The service worker runs only in the built app (npm start), not in vite dev.');
  const registration = await start();
  const installing = registration.active ? null : (registration.installing ?? registration.waiting);
  if (!installing) return navigator.serviceWorker.ready;
  return new Promise((resolve, reject) => {
    // A precache that fails (a file missing mid-deploy) discards the worker: `ready` would never come.
    installing.addEventListener('statechange', () => {
      if (installing.state === 'redundant' && !registration.active)
        reject(new Error('The service worker failed to install; reload the page to try again.'));
    });
    void navigator.serviceWorker.ready.then(resolve);
  });
}
