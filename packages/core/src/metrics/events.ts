/**
 * What the studio records about a LIVE session: one compact row per event. The kind is a small
 * integer (stored as smallint) so the events table stays narrow; these numbers are permanent.
 */
export const EventKind = {
  viewStart: 1,
  viewEnd: 2,
  comment: 3,
  /** value = hearts tapped (aggregated per viewer over a short window). */
  heart: 4,
  share: 5,
  follow: 6,
  /** value = coins spent. */
  gift: 7,
  reaction: 8,
  /** viewer = the opponent creator. */
  battleStart: 9,
  /** viewer = the opponent creator; value = 1 win, 0 draw, -1 loss. */
  battleEnd: 10,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export interface MetricEvent {
  viewerId: string;
  kind: EventKind;
  /** Epoch milliseconds. */
  at: number;
  value: number;
}

/** Kinds that make a viewer "engaged" (did something beyond watching). */
export const ENGAGEMENT_KINDS: ReadonlySet<number> = new Set([
  EventKind.comment,
  EventKind.heart,
  EventKind.share,
  EventKind.follow,
  EventKind.gift,
  EventKind.reaction,
]);
