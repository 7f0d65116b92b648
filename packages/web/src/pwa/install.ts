import { useSyncExternalStore } from 'react';

/** Chromium's install prompt event; not in TypeScript's DOM types. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

const DISMISSED_KEY = 'onair.installPrompt.dismissed';

let deferred: BeforeInstallPromptEvent | null = null;
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of listeners) listener();
};

const dismissedBefore = () => {
  try {
    return window.localStorage.getItem(DISMISSED_KEY) !== null;
  } catch {
    return false; // storage blocked: offer it, the user can dismiss again
  }
};

/**
 * Listens from page start (main.tsx), because the browser fires `beforeinstallprompt` once, often
 * before React has drawn anything. Only browsers that can install the app fire it at all; the
 * banner exists only after it did.
 */
export function captureInstallPrompt(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    // Keep the browser's own mini-infobar away: the app offers it in its own place.
    event.preventDefault();
    deferred = event as BeforeInstallPromptEvent;
    changed();
  });
  window.addEventListener('appinstalled', () => {
    deferred = null;
    changed();
  });
}

async function install(): Promise<void> {
  const event = deferred;
  if (!event) return;
  // An event's prompt() works once; whatever the choice, this one is spent.
  deferred = null;
  changed();
  await event.prompt();
  const { outcome } = await event.userChoice;
  if (outcome === 'dismissed') dismiss();
}

function dismiss(): void {
  try {
    window.localStorage.setItem(DISMISSED_KEY, new Date().toISOString());
  } catch {}
  deferred = null;
  changed();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const canInstall = () => deferred !== null && !dismissedBefore();

/** Whether to offer "Install OnAir" now, and the two answers to it. */
export function useInstallPrompt() {
  const available = useSyncExternalStore(subscribe, canInstall, () => false);
  return { available, install, dismiss };
}
