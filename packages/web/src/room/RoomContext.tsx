import type { ChatComment, Room } from '@onair/protocol';
import {
  createContext,
  type ReactNode,
  type RefObject,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type LiveRoom, useLiveRoom } from './useLiveRoom.ts';

export interface ReplyTarget {
  id: string;
  handle: string;
  /** Bumps on every request, so tapping the same comment again still focuses the box. */
  nonce: number;
}

/** The room plus what its pieces share on screen: the reply target and the open dialogs. */
export interface RoomUi {
  room: LiveRoom;
  info: Room;
  replyTo: ReplyTarget | null;
  setReplyTo: (target: ReplyTarget | null) => void;
  /** Starts a reply: the comment box puts "@handle " in and takes focus. */
  replyToComment: (comment: ChatComment) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  reporting: ChatComment | null;
  setReporting: (comment: ChatComment | null) => void;
  sharing: boolean;
  setSharing: (open: boolean) => void;
  settingsOpen: boolean;
  setSettingsOpen: (open: boolean) => void;
}

const RoomUiContext = createContext<RoomUi | null>(null);

export function LiveRoomProvider({
  info,
  sessionId,
  onEnded,
  children,
}: {
  info: Room;
  sessionId: string;
  onEnded: () => void;
  children: ReactNode;
}) {
  const room = useLiveRoom({ sessionId, creatorId: info.creator.id, onEnded });
  const [replyTo, setReplyTo] = useState<ReplyTarget | null>(null);
  const [reporting, setReporting] = useState<ChatComment | null>(null);
  const [sharing, setSharing] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const nonce = useRef(0);
  const signedIn = room.me !== null;
  const ended = room.state.ended;

  const replyToComment = useCallback(
    (comment: ChatComment) => {
      if (!signedIn || ended) return;
      setReplyTo({ id: comment.id, handle: comment.user.handle, nonce: ++nonce.current });
    },
    [signedIn, ended],
  );

  const value = useMemo<RoomUi>(
    () => ({
      room,
      info,
      replyTo,
      setReplyTo,
      replyToComment,
      inputRef,
      reporting,
      setReporting,
      sharing,
      setSharing,
      settingsOpen,
      setSettingsOpen,
    }),
    [room, info, replyTo, replyToComment, reporting, sharing, settingsOpen],
  );
  return <RoomUiContext value={value}>{children}</RoomUiContext>;
}

export function useRoomUi(): RoomUi {
  const ui = useContext(RoomUiContext);
  if (!ui) throw new Error('useRoomUi() outside <LiveRoomProvider>');
  return ui;
}
