/*
 * The OnAir service worker, served at /sw.js with scope /. Plain JS, no imports: the build
 * (swPlugin.ts) copies it to dist/sw.js with the line below replaced by this build's version and
 * file list, so every build is a new worker with a cache of its own, and the old one is dropped.
 *
 * What it does, and why each rule is there:
 * - the app shell (index.html at "/", the hashed assets, icons, offline page) is stored at install,
 *   so a repeat start does not wait for the bundle;
 * - page loads go to the network first (a new build and link-preview tags arrive at once), fall
 *   back to the stored copy of that page, then to the shell for "/", then to offline.html;
 * - API responses, LIVE media, metrics, health and WebSockets are never answered from or written
 *   to a cache: a stale balance or a cached video segment would be wrong, not just old.
 * - Web Push (the server's PushPayload): one notification per tag, a tap opens the page it names.
 */
const BUILD = { version: 'dev', precache: [] };

const CACHE = `onair-shell-${BUILD.version}`;
const SHELL = '/';
const OFFLINE = '/offline.html';
const ICON = '/icons/icon-192.png';
const BADGE = '/icons/badge-96.png';
/** Pages kept for offline reloads beyond the precached ones; the oldest go first. */
const MAX_PAGES = 40;
/** A page load that takes longer than this gets its stored copy, when there is one. */
const NAVIGATION_TIMEOUT_MS = 4000;

const NEVER_CACHED = /^\/(api|live|metrics|healthz|readyz)(\/|$)|\.(m3u8|ts|flv|m4s|mp4)$/i;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // cache: 'reload' skips the HTTP cache, so a half-deployed build is never stored as the shell.
      await cache.addAll(BUILD.precache.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('onair-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Anything not ours, and everything live or private, goes to the network untouched.
  // (WebSockets never pass through a service worker.)
  if (url.origin !== self.location.origin || NEVER_CACHED.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
    return;
  }
  if (url.pathname.startsWith('/assets/') || BUILD.precache.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  // Hashed assets never change, so one from a lazy import is worth keeping too.
  if (response.ok && new URL(request.url).pathname.startsWith('/assets/')) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function navigate(event) {
  const { request } = event;
  const url = new URL(request.url);
  const key = url.pathname + url.search;
  const cache = await caches.open(CACHE);
  const stored = await cache.match(key);

  const network = fetch(request).then((response) => {
    if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
      const copy = response.clone();
      event.waitUntil(cache.put(key, copy).then(() => trimPages(cache)));
    }
    return response;
  });
  // The stored copy is the answer only when the network fails, or is too slow with one at hand.
  const attempts = [network];
  if (stored) attempts.push(delay(NAVIGATION_TIMEOUT_MS).then(() => stored));
  try {
    return await Promise.race(attempts);
  } catch {
    if (stored) return stored;
    if (url.pathname === SHELL) {
      const shell = await cache.match(SHELL);
      if (shell) return shell;
    }
    return (await cache.match(OFFLINE)) ?? Response.error();
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function trimPages(cache) {
  const pages = (await cache.keys()).filter((request) => {
    const path = new URL(request.url).pathname;
    return !path.startsWith('/assets/') && !BUILD.precache.includes(path);
  });
  for (const request of pages.slice(0, Math.max(0, pages.length - MAX_PAGES))) await cache.delete(request);
}

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data));
});

/**
 * Chromium requires every push to show a notification (userVisibleOnly), so a payload this worker
 * cannot read still shows one, saying only "OnAir", and opens the app.
 */
async function showPush(data) {
  const payload = readPayload(data);
  if (!payload) {
    await self.registration.showNotification('OnAir', {
      body: 'You have a new notification.',
      tag: 'onair-generic',
      icon: ICON,
      badge: BADGE,
      data: { url: '/' },
    });
    return;
  }
  await self.registration.showNotification(payload.title, {
    body: payload.body,
    // One tag per message: a copy delivered twice replaces the first instead of showing again.
    tag: payload.tag,
    renotify: false,
    icon: payload.icon || ICON,
    badge: BADGE,
    timestamp: Date.parse(payload.sentAt) || Date.now(),
    data: { url: payload.url, kind: payload.kind },
  });
}

function readPayload(data) {
  if (!data) return null;
  let value;
  try {
    value = data.json();
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const text = (v, max) => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);
  const title = text(value.title, 200);
  const tag = text(value.tag, 200);
  if (!title || !tag) return null;
  return {
    kind: text(value.kind, 40) ?? 'test',
    title,
    body: text(value.body, 1000) ?? '',
    url: text(value.url, 2048) ?? '/',
    tag,
    icon: text(value.icon, 2048),
    sentAt: text(value.sentAt, 64) ?? '',
  };
}

/** Only a path on this origin may be opened from a notification; anything else opens the feed. */
function safePath(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return '/';
  try {
    // "//evil.example" and "/\\evil.example" start with a slash too; the parsed origin tells.
    const url = new URL(raw, self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openPage(safePath(event.notification.data?.url)));
});

async function openPage(path) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    // Both start at once: the right to focus a window lasts only while the click is being handled.
    const focusing = open.focus().catch(() => null);
    // navigate() rejects for a window this worker does not control: a new window then.
    const navigated = await open.navigate(path).catch(() => null);
    await focusing;
    if (navigated) return;
  }
  await self.clients.openWindow(path);
}

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event));
});

/** Best effort: the settings page re-registers the device the next time it is opened anyway. */
async function resubscribe(event) {
  try {
    const subscription =
      event.newSubscription ??
      (await self.registration.pushManager.subscribe(
        event.oldSubscription?.options ?? { userVisibleOnly: true },
      ));
    await fetch('/api/v1/push/devices', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.toJSON() }),
    });
  } catch {
    // Nothing to tell anyone from here; a lost subscription shows as gone in the settings page.
  }
}
