import { OnAirError } from '@onair/sdk';

export interface ChatError {
  code: string;
  text: string;
  /** Clears itself after this long (slow mode, rate limit): the wait is over. */
  clearAfterMs?: number;
}

function clock(date: Date): string {
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${time}`;
}

/** How long until `iso`, for clearing a mute notice when it is over (undefined: unknown or past). */
export function msUntil(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = new Date(iso).getTime() - Date.now();
  // setTimeout holds at most ~24.8 days; mutes are shorter, but stay safe.
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 2 ** 31 - 1) : undefined;
}

/** "until 14:05", or "" when the end is unknown (an open-ended mute). */
export function untilLabel(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : ` until ${clock(date)}`;
}

/**
 * What to tell the viewer when a comment is refused. The realtime error frame carries only a code
 * and a message (no data), so the mute's end and the slow-mode wait are read from the message.
 */
export function chatError(err: unknown): ChatError {
  if (!(err instanceof OnAirError)) {
    return { code: 'unknown', text: err instanceof Error ? err.message : 'Your comment was not sent.' };
  }
  const { code, message } = err;
  switch (code) {
    case 'chat.muted': {
      const iso = /until (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(message)?.[1];
      const clearAfterMs = msUntil(iso);
      return {
        code,
        text: `You're muted in this LIVE${untilLabel(iso)}.`,
        ...(clearAfterMs ? { clearAfterMs } : {}),
      };
    }
    case 'chat.slow_mode': {
      const seconds = Number(/wait (\d+)\s*s/.exec(message)?.[1] ?? 0);
      return seconds > 0
        ? {
            code,
            text: `Slow mode is on: wait ${seconds} s before your next comment.`,
            clearAfterMs: seconds * 1000,
          }
        : { code, text: 'Slow mode is on: wait a moment before your next comment.', clearAfterMs: 5000 };
    }
    case 'chat.blocked_word':
      return { code, text: "Your comment has a word the host doesn't allow. Edit it and try again." };
    case 'chat.rate_limited':
      return { code, text: "You're commenting too fast. Wait a moment and try again.", clearAfterMs: 5000 };
    case 'chat.banned':
      return { code, text: "You can't comment in this LIVE." };
    case 'chat.room_not_live':
      return { code, text: 'This LIVE has ended.' };
    case 'chat.comment_not_found':
      return { code, text: 'The comment you replied to was deleted.' };
    case 'auth.required':
      return { code, text: 'Log in to comment.' };
    case 'network':
      return { code, text: "You're offline, so your comment wasn't sent. Try again in a moment." };
    default:
      return { code, text: message || 'Your comment was not sent.' };
  }
}
