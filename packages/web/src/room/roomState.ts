import type { ChatComment, ChatUser, FanEntrance, RoomEvent, RoomSnapshot } from '@onair/protocol';
import type { RoomSignals } from '@onair/sdk';

/** The kinds of line the chat shows besides comments. */
export type SystemKind = 'join' | 'share' | 'follow' | 'moderation' | 'settings' | 'fan_entrance' | 'league';

export type ChatItem =
  | { kind: 'comment'; key: string; comment: ChatComment }
  | {
      kind: 'system';
      key: string;
      system: SystemKind;
      text: string;
      user: ChatUser | null;
      /** A fan-club member entering: their badge, and a spotlight from a high level on. */
      fan?: FanEntrance;
    };

export type MySanction = { kind: 'mute'; until: string | null } | { kind: 'ban' } | null;

export interface RoomState {
  /** The first snapshot arrived. */
  ready: boolean;
  /** Comments and system lines, oldest first. */
  items: ChatItem[];
  pinned: ChatComment | null;
  viewers: { current: number; peak: number } | null;
  slowModeS: number;
  ended: boolean;
  /**
   * Your badge in this room as the room reports it (on your own comments, or when the host appoints
   * or removes you); undefined until it has said anything about you.
   */
  learnedBadge: ChatUser['badge'] | undefined;
  /** A mute or ban on you announced while you are here. */
  mySanction: MySanction;
  /** The `before` seq of the next "Load earlier" page; null when there is nothing earlier. */
  earlierBefore: number | null;
}

export type RoomAction =
  | { type: 'snapshot'; snapshot: RoomSnapshot; meId: string | null; blocked: ReadonlySet<string> }
  | { type: 'events'; events: RoomEvent[]; meId: string | null; blocked: ReadonlySet<string> }
  | { type: 'signals'; signals: RoomSignals; key: string }
  | { type: 'earlier'; comments: ChatComment[]; nextBefore: number | null; blocked: ReadonlySet<string> }
  | { type: 'remove'; id: string }
  | { type: 'block'; userId: string }
  /** Someone else signed in (or out) on this page: what the room said about the last user is void. */
  | { type: 'identity' }
  | { type: 'reset' };

/** How many lines the chat keeps in memory; older ones fall off as new ones arrive. */
export const MAX_ITEMS = 400;
/** The server sends this many recent comments in a snapshot; fewer means there is nothing earlier. */
const SNAPSHOT_COMMENTS = 30;

export const initialRoomState: RoomState = {
  ready: false,
  items: [],
  pinned: null,
  viewers: null,
  slowModeS: 0,
  ended: false,
  learnedBadge: undefined,
  mySanction: null,
  earlierBefore: null,
};

const commentItem = (comment: ChatComment): ChatItem => ({ kind: 'comment', key: comment.id, comment });

function systemItem(key: string, system: SystemKind, text: string, user: ChatUser | null = null): ChatItem {
  return { kind: 'system', key, system, text, user };
}

/** "ana joined", "ana and 3 others joined", "ana and 1 other joined". */
export function joinLine(names: readonly string[], count: number): string | null {
  const first = names[0];
  if (!first || count < 1) return null;
  const others = Math.max(0, count - 1);
  if (others === 0) return `${first} joined`;
  return `${first} and ${others} ${others === 1 ? 'other' : 'others'} joined`;
}

function moderationLine(action: string, name: string, self: boolean): string {
  const was = self ? 'were' : 'was';
  const is = self ? 'are' : 'is';
  switch (action) {
    case 'mute':
      return `${name} ${was} muted`;
    case 'unmute':
      return `${name} ${was} unmuted`;
    case 'ban':
      return `${name} ${was} banned from the chat`;
    case 'unban':
      return `${name} ${was} unbanned`;
    case 'moderator_added':
      return `${name} ${is} now a moderator`;
    default:
      return `${name} ${is} no longer a moderator`;
  }
}

export function fansOnlyLine(on: boolean): string {
  return on ? 'Fans-only chat is on: only fan club members can comment' : 'Fans-only chat is off';
}

export function slowModeLine(seconds: number): string {
  return seconds > 0 ? `Slow mode is on: one comment every ${seconds} s` : 'Slow mode is off';
}

function capped(items: ChatItem[]): ChatItem[] {
  return items.length > MAX_ITEMS ? items.slice(items.length - MAX_ITEMS) : items;
}

function visible(comment: ChatComment, blocked: ReadonlySet<string>): boolean {
  return !blocked.has(comment.user.id);
}

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case 'reset':
      return initialRoomState;

    case 'identity':
      return { ...state, learnedBadge: undefined, mySanction: null };

    case 'snapshot': {
      const { snapshot, meId, blocked } = action;
      const mine = meId ? snapshot.comments.findLast((c) => c.user.id === meId) : undefined;
      return {
        ...state,
        ready: true,
        // A snapshot replaces what is shown: it comes first, or after missing too much to replay.
        items: snapshot.comments.filter((c) => visible(c, blocked)).map(commentItem),
        pinned: snapshot.pinned && visible(snapshot.pinned, blocked) ? snapshot.pinned : null,
        viewers: snapshot.viewers,
        slowModeS: snapshot.slowModeS,
        learnedBadge: mine ? mine.user.badge : state.learnedBadge,
        earlierBefore: snapshot.comments.length >= SNAPSHOT_COMMENTS ? snapshot.seq + 1 : null,
      };
    }

    case 'events': {
      const { meId, blocked } = action;
      let next = state;
      let items = state.items;
      for (const event of action.events) {
        switch (event.kind) {
          case 'comment': {
            const c = event.comment;
            if (meId && c.user.id === meId) next = { ...next, learnedBadge: c.user.badge };
            if (!visible(c, blocked) || items.some((i) => i.key === c.id)) break;
            items = [...items, commentItem(c)];
            break;
          }
          case 'comment_deleted':
            items = items.filter((i) => i.key !== event.id);
            if (next.pinned?.id === event.id) next = { ...next, pinned: null };
            break;
          case 'pinned':
            next = {
              ...next,
              pinned: event.comment && visible(event.comment, blocked) ? event.comment : null,
            };
            break;
          case 'share':
            items = [
              ...items,
              systemItem(`s${event.seq}`, 'share', `${event.user.displayName} shared this LIVE`, event.user),
            ];
            break;
          case 'follow':
            items = [
              ...items,
              systemItem(
                `s${event.seq}`,
                'follow',
                `${event.user.displayName} followed the host`,
                event.user,
              ),
            ];
            break;
          case 'moderation': {
            const self = meId !== null && event.user.id === meId;
            if (self) {
              const a = event.action;
              if (a === 'mute') next = { ...next, mySanction: { kind: 'mute', until: event.until } };
              else if (a === 'ban') next = { ...next, mySanction: { kind: 'ban' } };
              else if (a === 'unmute' || a === 'unban') next = { ...next, mySanction: null };
              else if (a === 'moderator_added') next = { ...next, learnedBadge: 'moderator' };
              else if (a === 'moderator_removed') next = { ...next, learnedBadge: null };
            }
            items = [
              ...items,
              systemItem(
                `s${event.seq}`,
                'moderation',
                moderationLine(event.action, self ? 'You' : event.user.displayName, self),
                event.user,
              ),
            ];
            // A moderator's badge changes on their comments already shown.
            if (event.action === 'moderator_added' || event.action === 'moderator_removed') {
              const badge = event.action === 'moderator_added' ? 'moderator' : null;
              items = items.map((i) =>
                i.kind === 'comment' && i.comment.user.id === event.user.id && i.comment.user.badge !== 'host'
                  ? { ...i, comment: { ...i.comment, user: { ...i.comment.user, badge } } }
                  : i,
              );
            }
            break;
          }
          case 'settings':
            // A fans-only change says only that; a slow-mode change says its own line.
            if (event.fansOnly !== undefined && event.slowModeS === next.slowModeS) {
              items = [...items, systemItem(`s${event.seq}`, 'settings', fansOnlyLine(event.fansOnly))];
              break;
            }
            next = { ...next, slowModeS: event.slowModeS };
            items = [...items, systemItem(`s${event.seq}`, 'settings', slowModeLine(event.slowModeS))];
            break;
          case 'ended':
            next = { ...next, ended: true };
            break;
          case 'league':
            items = [
              ...items,
              systemItem(
                `s${event.seq}`,
                'league',
                `${event.user.displayName} was promoted to league ${event.tier}`,
                event.user,
              ),
            ];
            break;
        }
      }
      return items === state.items ? next : { ...next, items: capped(items) };
    }

    case 'signals': {
      const { signals } = action;
      let next = signals.viewers ? { ...state, viewers: signals.viewers } : state;
      // Members get a line of their own with their badge; the plain join line counts everyone else.
      const fans = signals.fanJoins ?? [];
      if (fans.length > 0) {
        const entrances = fans.map((fan, i) => ({
          ...systemItem(`${action.key}:f${i}`, 'fan_entrance', `${fan.name} joined`),
          fan,
        }));
        next = { ...next, items: capped([...next.items, ...entrances]) };
      }
      const fanNames = new Set(fans.map((f) => f.name));
      const line = joinLine(
        signals.joins.filter((n) => !fanNames.has(n)),
        signals.joinedCount - fans.length,
      );
      if (line) {
        const item = systemItem(action.key, 'join', line);
        const last = next.items.at(-1);
        // Joins roll: a new batch replaces the join line right before it, so a busy room is not all joins.
        const items =
          last?.kind === 'system' && last.system === 'join'
            ? [...next.items.slice(0, -1), item]
            : capped([...next.items, item]);
        next = { ...next, items };
      }
      return next;
    }

    case 'earlier': {
      const known = new Set(state.items.map((i) => i.key));
      const older = action.comments
        .filter((c) => !known.has(c.id) && visible(c, action.blocked))
        .reverse()
        .map(commentItem);
      return { ...state, items: [...older, ...state.items], earlierBefore: action.nextBefore };
    }

    case 'remove':
      return {
        ...state,
        items: state.items.filter((i) => i.key !== action.id),
        pinned: state.pinned?.id === action.id ? null : state.pinned,
      };

    case 'block':
      return {
        ...state,
        items: state.items.filter((i) => i.kind !== 'comment' || i.comment.user.id !== action.userId),
        pinned: state.pinned?.user.id === action.userId ? null : state.pinned,
      };
  }
}
