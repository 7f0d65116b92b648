import type { GiftEvent } from '@onair/protocol';
import { useRealtimeFrames, useWatchSession } from '../app/realtime.tsx';

/**
 * Calls `handler` for each gift committed in a LIVE session. Gifts are published on the session's
 * stream topic, so this watches it too (watches are counted: the page's own watch is unaffected).
 */
export function useGiftFrames(sessionId: string | null, handler: (gift: GiftEvent) => void): void {
  useWatchSession(sessionId);
  useRealtimeFrames((frame) => {
    if (frame.type === 'gift' && frame.sessionId === sessionId) handler(frame);
  });
}
