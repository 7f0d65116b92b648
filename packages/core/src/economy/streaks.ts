/** A run of the same gift from the same sender, shown in the room as "x17" until it ends. */
export interface Streak {
  id: string;
  /** Gifts in the streak so far (quantities added up). */
  count: number;
  /** When the last send of the streak arrived (ms since epoch). */
  lastAt: number;
  comboId: string | null;
}

/** How long after the last send a streak stays open for the next one. */
export const STREAK_WINDOW_MS = 3000;

export interface StreakSend {
  at: number;
  quantity: number;
  /** The client's combo button id: a new id starts a new streak even within the window. */
  comboId: string | null;
  streakable: boolean;
}

/**
 * The streak after a send: it continues the previous one when the gift stacks, the send comes within
 * the window and belongs to the same combo; otherwise a new streak starts at the send's quantity.
 */
export function advanceStreak(
  prev: Streak | undefined,
  send: StreakSend,
  newId: () => string,
  windowMs = STREAK_WINDOW_MS,
): Streak {
  const continues =
    send.streakable &&
    prev !== undefined &&
    send.at >= prev.lastAt &&
    send.at - prev.lastAt <= windowMs &&
    (send.comboId === null || send.comboId === prev.comboId);
  if (continues)
    return { id: prev.id, count: prev.count + send.quantity, lastAt: send.at, comboId: prev.comboId };
  return { id: newId(), count: send.quantity, lastAt: send.at, comboId: send.comboId };
}

/** When the room should show the streak as ended if no further send arrives. */
export const streakEndsAt = (streak: Streak, windowMs = STREAK_WINDOW_MS): number => streak.lastAt + windowMs;
