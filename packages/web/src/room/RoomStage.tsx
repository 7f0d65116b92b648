import { SettingsIcon } from '../components/Icons.tsx';
import { Sheet } from '../components/Sheet.tsx';
import { GiftButton } from '../gifts/GiftDrawer.tsx';
import { ChatOverlay, ChatPanelLog, PinnedCard } from './ChatLog.tsx';
import { ChatSettingsPanel } from './ChatSettings.tsx';
import { CommentBox } from './CommentBox.tsx';
import { HeartButton, ReactionTray } from './Hearts.tsx';
import { ReportSheet } from './ReportSheet.tsx';
import { useRoomUi } from './RoomContext.tsx';
import { RoomNotice } from './RoomNotice.tsx';
import { ShareButton, ShareSheet } from './Share.tsx';

/** The host's "Room settings" button (slow mode, banned words, moderators, muted and banned). */
export function RoomSettingsButton({ variant }: { variant: 'overlay' | 'panel' }) {
  const { room, setSettingsOpen } = useRoomUi();
  if (!room.isHost) return null;
  if (variant === 'panel')
    return (
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => setSettingsOpen(true)}
        data-testid="room-settings-button"
      >
        <SettingsIcon size={16} />
        Room settings
      </button>
    );
  return (
    <button
      type="button"
      className="room-settings-chip"
      aria-label="Room settings"
      title="Room settings"
      onClick={() => setSettingsOpen(true)}
      data-testid="room-settings-button"
    >
      <SettingsIcon size={18} />
    </button>
  );
}

/** Reactions, share, gifts and the big heart, in a row; hearts and reactions float up above the heart. */
export function RoomActions() {
  return (
    <div className="room-actions">
      <ReactionTray />
      <ShareButton />
      <GiftButton />
      <HeartButton />
    </div>
  );
}

/** Phones: the chat over the bottom-left of the video; the comment box and actions under it. */
export function RoomBottom() {
  const { room } = useRoomUi();
  return (
    <div className="room-bottom">
      <RoomNotice />
      <ChatOverlay />
      <div className="room-bar">
        {/* A new box for a new user: nothing typed or refused as the last one carries over. */}
        <CommentBox key={room.me?.id ?? 'signed-out'} variant="overlay" />
        <RoomActions />
      </div>
    </div>
  );
}

/** Wide screens: the chat in the side panel. */
export function ChatPanel() {
  const { room } = useRoomUi();
  return (
    <section className="chat-panel" aria-label="Chat">
      <PinnedCard />
      <ChatPanelLog />
      <RoomNotice />
      <CommentBox key={room.me?.id ?? 'signed-out'} variant="panel" />
    </section>
  );
}

function RoomSettingsSheet() {
  const { settingsOpen, setSettingsOpen, room } = useRoomUi();
  if (!settingsOpen || !room.isHost) return null;
  return (
    <Sheet
      title="Room settings"
      onClose={() => setSettingsOpen(false)}
      testId="room-settings"
      className="sheet-tall"
    >
      <ChatSettingsPanel sessionId={room.sessionId} />
    </Sheet>
  );
}

/** The room's dialogs: share, report, and (host) room settings. */
export function RoomDialogs() {
  return (
    <>
      <ShareSheet />
      <ReportSheet />
      <RoomSettingsSheet />
    </>
  );
}
