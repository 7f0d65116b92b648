import { useCallback, useSyncExternalStore } from 'react';

/** True while the CSS media query matches; re-renders when it flips. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (notify: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The breakpoint where the app shell switches to the sidebar layout (see layout.css). */
export const WIDE_QUERY = '(min-width: 900px)';
