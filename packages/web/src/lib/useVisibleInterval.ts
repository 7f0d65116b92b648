import { useEffect, useRef } from 'react';

/**
 * Calls `fn` every `ms` while the tab is visible, and once more as soon as it becomes visible again
 * (a backgrounded tab has missed updates). `ms: null` pauses it.
 */
export function useVisibleInterval(fn: () => void, ms: number | null): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (ms === null) return;
    const tick = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    const timer = setInterval(tick, ms);
    const onVisible = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [ms]);
}
