import type { ChatComment, ChatUser, Me, Reaction } from '@onair/protocol';
import { OnAirError, type RoomHandle } from '@onair/sdk';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api } from '../app/api.ts';
import { useRealtimeHub } from '../app/realtime.tsx';
import { useSession } from '../app/session.tsx';
import { errorMessage } from '../lib/errors.ts';
import { initialRoomState, type RoomState, roomReducer } from './roomState.ts';

/** Hearts or one reaction to float up: your own taps at once, everyone else's as the room reports them. */
export interface Burst {
  kind: 'heart' | Reaction;
  count: number;
  mine: boolean;
}

export interface Notice {
  id: number;
  text: string;
  error: boolean;
}

export type SanctionAction = 'mute' | 'unmute' | 'ban' | 'unban';

export interface LiveRoom {
  sessionId: string;
  state: RoomState;
  me: Me | null;
  /** Your badge in this room: host, moderator (once the room has said so), admin, or none. */
  myBadge: ChatUser['badge'];
  isHost: boolean;
  /** Host, moderator or admin: may pin, delete anyone's comment, mute and ban. */
  canModerate: boolean;
  blocked: ReadonlySet<string>;
  /** Posts a comment; it shows when the room echoes it. Rejects with the server's coded error. */
  send: (text: string, replyTo?: string) => Promise<void>;
  tapHeart: () => void;
  react: (reaction: Reaction) => void;
  subscribeBursts: (listener: (burst: Burst) => void) => () => void;
  loadEarlier: () => Promise<void>;
  loadingEarlier: boolean;
  deleteComment: (comment: ChatComment) => Promise<void>;
  pin: (comment: ChatComment | null) => Promise<void>;
  sanction: (
    user: Pick<ChatUser, 'handle' | 'displayName'>,
    action: SanctionAction,
    minutes?: number,
  ) => Promise<void>;
  report: (comment: ChatComment, reason: string) => Promise<boolean>;
  block: (user: ChatUser) => Promise<void>;
  /** The outcome of the last moderation action (or a room-level error), for a few seconds. */
  notice: Notice | null;
  dismissNotice: () => void;
}

/** Taps within this window go out as one heart(n): at most 10 heart frames a second. */
const HEART_BATCH_MS = 100;
/** The server takes at most 50 hearts per frame. */
const HEART_MAX_PER_FRAME = 50;
/** Reactions have no count: at most 4 a second go out, the rest only float up here. */
const REACT_MIN_GAP_MS = 250;
/** Our own hearts come back in the room's totals; forget the ones not seen again after this long. */
const ECHO_TTL_MS = 3000;
const NOTICE_MS = 5000;

/**
 * One LIVE room on the app's realtime connection, from joining to leaving: the chat as a list of
 * comments and system lines, the pinned comment, viewers, slow mode, your standing in the room, and
 * the actions (comment, hearts, reactions, moderation). Leaves the room on unmount, or when it ends.
 */
export function useLiveRoom({
  sessionId,
  creatorId,
  onEnded,
}: {
  sessionId: string;
  creatorId: string;
  onEnded?: () => void;
}): LiveRoom {
  const hub = useRealtimeHub();
  const { user: me } = useSession();
  const [state, dispatch] = useReducer(roomReducer, initialRoomState);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [blocked, setBlocked] = useState<ReadonlySet<string>>(() => new Set());

  const meRef = useRef(me);
  meRef.current = me;
  const blockedRef = useRef(blocked);
  blockedRef.current = blocked;
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;
  const handleRef = useRef<RoomHandle | null>(null);
  const listeners = useRef(new Set<(burst: Burst) => void>());
  const echo = useRef({ hearts: 0, reactions: new Map<string, number>(), at: 0 });
  const hearts = useRef<{ pending: number; timer: ReturnType<typeof setTimeout> | undefined }>({
    pending: 0,
    timer: undefined,
  });
  const lastReactAt = useRef(0);
  const noticeId = useRef(0);

  const emit = useCallback((burst: Burst) => {
    for (const listener of [...listeners.current]) listener(burst);
  }, []);

  const say = useCallback((text: string, error = false) => {
    setNotice({ id: ++noticeId.current, text, error });
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const meId = me?.id ?? null;
  const lastMeId = useRef(meId);
  useEffect(() => {
    if (lastMeId.current === meId) return;
    lastMeId.current = meId;
    dispatch({ type: 'identity' });
    setBlocked(new Set());
  }, [meId]);

  useEffect(() => {
    dispatch({ type: 'reset' });
    let joinSeq = 0;
    let left = false;
    const heartState = hearts.current;
    const handle = hub.joinRoom(sessionId, {
      onSnapshot: (snapshot) =>
        dispatch({
          type: 'snapshot',
          snapshot,
          meId: meRef.current?.id ?? null,
          blocked: blockedRef.current,
        }),
      onEvents: (events) => {
        dispatch({ type: 'events', events, meId: meRef.current?.id ?? null, blocked: blockedRef.current });
        if (events.some((e) => e.kind === 'ended') && !left) {
          left = true;
          handle.leave();
          handleRef.current = null;
          onEndedRef.current?.();
        }
      },
      onSignals: (signals) => {
        dispatch({ type: 'signals', signals, key: `j${++joinSeq}` });
        const e = echo.current;
        if (Date.now() - e.at > ECHO_TTL_MS) {
          e.hearts = 0;
          e.reactions.clear();
        }
        // The room's totals include our own taps, which already floated up when we tapped.
        const theirHearts = Math.max(0, signals.hearts - e.hearts);
        e.hearts = Math.max(0, e.hearts - signals.hearts);
        if (theirHearts > 0) emit({ kind: 'heart', count: theirHearts, mine: false });
        for (const [reaction, n = 0] of Object.entries(signals.reactions)) {
          const ours = e.reactions.get(reaction) ?? 0;
          e.reactions.set(reaction, Math.max(0, ours - n));
          if (n - ours > 0) emit({ kind: reaction as Reaction, count: n - ours, mine: false });
        }
      },
      onError: (err) => {
        // Hearts from a signed-out viewer are refused; the UI asks them to log in before sending any.
        if (err.code === 'auth.required') return;
        say(errorMessage(err), true);
      },
    });
    handleRef.current = handle;
    return () => {
      left = true;
      clearTimeout(heartState.timer);
      heartState.timer = undefined;
      heartState.pending = 0;
      handle.leave();
      handleRef.current = null;
    };
  }, [hub, sessionId, emit, say]);

  const send = useCallback(async (text: string, replyTo?: string) => {
    const handle = handleRef.current;
    if (!handle) throw new OnAirError('chat.room_not_live', 0, 'This LIVE has ended.');
    await handle.comment(text, replyTo);
  }, []);

  const flushHearts = useCallback(() => {
    const h = hearts.current;
    h.timer = undefined;
    const n = Math.min(h.pending, HEART_MAX_PER_FRAME);
    if (n <= 0) return;
    h.pending -= n;
    handleRef.current?.heart(n);
    echo.current.hearts += n;
    echo.current.at = Date.now();
    if (h.pending > 0) h.timer = setTimeout(flushHearts, HEART_BATCH_MS);
  }, []);

  const tapHeart = useCallback(() => {
    emit({ kind: 'heart', count: 1, mine: true });
    const h = hearts.current;
    h.pending++;
    h.timer ??= setTimeout(flushHearts, HEART_BATCH_MS);
  }, [emit, flushHearts]);

  const react = useCallback(
    (reaction: Reaction) => {
      emit({ kind: reaction, count: 1, mine: true });
      const now = Date.now();
      if (now - lastReactAt.current < REACT_MIN_GAP_MS) return;
      lastReactAt.current = now;
      handleRef.current?.react(reaction);
      const e = echo.current;
      e.reactions.set(reaction, (e.reactions.get(reaction) ?? 0) + 1);
      e.at = now;
    },
    [emit],
  );

  const subscribeBursts = useCallback((listener: (burst: Burst) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const earlierBefore = state.earlierBefore;
  const loadEarlier = useCallback(async () => {
    if (earlierBefore === null) return;
    setLoadingEarlier(true);
    try {
      const page = await api.comments(sessionId, { before: earlierBefore, limit: 50 });
      dispatch({
        type: 'earlier',
        comments: page.comments,
        nextBefore: page.nextCursor ? Number(page.nextCursor) : null,
        blocked: blockedRef.current,
      });
    } catch (err) {
      say(`Couldn't load earlier comments: ${errorMessage(err)}`, true);
    } finally {
      setLoadingEarlier(false);
    }
  }, [sessionId, earlierBefore, say]);

  /** Runs a moderation call and reports how it went in the notice line. */
  const act = useCallback(
    async (run: () => Promise<unknown>, done: string): Promise<boolean> => {
      try {
        await run();
        say(done);
        return true;
      } catch (err) {
        say(errorMessage(err), true);
        return false;
      }
    },
    [say],
  );

  const deleteComment = useCallback(
    async (comment: ChatComment) => {
      if (await act(() => api.deleteComment(comment.id), 'Comment deleted.'))
        dispatch({ type: 'remove', id: comment.id });
    },
    [act],
  );

  const pin = useCallback(
    async (comment: ChatComment | null) => {
      await act(
        () => api.pinComment(sessionId, comment?.id ?? null),
        comment ? 'Comment pinned.' : 'Comment unpinned.',
      );
    },
    [act, sessionId],
  );

  const sanction = useCallback(
    async (user: Pick<ChatUser, 'handle' | 'displayName'>, action: SanctionAction, minutes?: number) => {
      const done =
        action === 'mute'
          ? `${user.displayName} is muted for ${minutes === 60 ? '1 hour' : `${minutes ?? 5} minutes`}.`
          : action === 'ban'
            ? `${user.displayName} is banned from your LIVEs.`
            : action === 'unmute'
              ? `${user.displayName} is unmuted.`
              : `${user.displayName} is unbanned.`;
      await act(() => api.moderate(sessionId, user.handle, action, minutes), done);
    },
    [act, sessionId],
  );

  const report = useCallback(
    (comment: ChatComment, reason: string) =>
      act(() => api.reportComment(comment.id, reason), 'Thanks. The admins will review this comment.'),
    [act],
  );

  const block = useCallback(
    async (user: ChatUser) => {
      const ok = await act(
        () => api.block(user.handle, true),
        `You blocked ${user.displayName}. You won't see their comments.`,
      );
      if (!ok) return;
      setBlocked((prev) => new Set([...prev, user.id]));
      dispatch({ type: 'block', userId: user.id });
    },
    [act],
  );

  const isHost = me !== null && me.id === creatorId;
  const myBadge: ChatUser['badge'] = !me
    ? null
    : isHost
      ? 'host'
      : state.learnedBadge === 'moderator'
        ? 'moderator'
        : me.role === 'admin'
          ? 'admin'
          : (state.learnedBadge ?? null);
  const canModerate = isHost || myBadge === 'moderator' || me?.role === 'admin';

  return {
    sessionId,
    state,
    me,
    myBadge,
    isHost,
    canModerate,
    blocked,
    send,
    tapHeart,
    react,
    subscribeBursts,
    loadEarlier,
    loadingEarlier,
    deleteComment,
    pin,
    sanction,
    report,
    block,
    notice,
    dismissNotice: () => setNotice(null),
  };
}
