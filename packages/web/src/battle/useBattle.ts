import type { Battle } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../app/api.ts';
import { useOnReconnect, useRealtimeFrames } from '../app/realtime.tsx';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';

const inBattle = (battle: Battle, sessionId: string) =>
  battle.sides.some((s) => s.members.some((m) => m.sessionId === sessionId));

const open = (battle: Battle | null) => battle !== null && battle.status !== 'ended';

/**
 * The battle a LIVE room is in, as its audience sees it: loaded once, then kept current by the
 * `battle` frames on the room's stream topic (the watch page already watches it). A finished battle
 * stays on screen until the next one starts, so the audience sees the result.
 */
export function useBattle(sessionId: string) {
  const [battle, setBattle] = useState<Battle | null>(null);
  /** Server clock minus ours, so countdowns end when the server's deadline does. */
  const skew = useRef(0);

  const accept = useCallback((b: Battle | null) => {
    if (b) skew.current = Date.parse(b.serverNow) - Date.now();
    setBattle((prev) => {
      if (!b) return open(prev) ? null : prev;
      // A frame for an older battle never replaces the one on screen.
      if (prev && prev.id !== b.id && open(prev) && !open(b)) return prev;
      return b;
    });
  }, []);

  const reload = useCallback(() => {
    api
      .sessionBattle(sessionId)
      .then(accept)
      .catch(() => undefined);
  }, [sessionId, accept]);

  useEffect(reload, [reload]);
  useOnReconnect(reload);
  // Frames can be dropped under load; a slow poll while a battle is on keeps the screen honest.
  useVisibleInterval(reload, open(battle) ? 10_000 : null);
  useRealtimeFrames((frame) => {
    if (frame.type === 'battle' && inBattle(frame.battle, sessionId)) accept(frame.battle);
  });

  return { battle, skew: skew.current, reload };
}

/** A re-render every `ms` while `on`, for countdowns. */
export function useNow(on: boolean, ms = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

export function clock(msLeft: number): string {
  const s = Math.max(0, Math.ceil(msLeft / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
