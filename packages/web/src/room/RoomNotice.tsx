import { CloseIcon } from '../components/Icons.tsx';
import { useRoomUi } from './RoomContext.tsx';

/**
 * The outcome of a moderation action ("Comment deleted.", "Ana is muted for 5 minutes.") or a room
 * error, for a few seconds. A hidden status region is always there, so screen readers hear what
 * lands in it; errors are alerts.
 */
export function RoomNotice() {
  const { room } = useRoomUi();
  const notice = room.notice;
  const ok = notice && !notice.error ? notice.text : '';
  return (
    <>
      <p className="visually-hidden" role="status">
        {ok}
      </p>
      {ok ? (
        <p className="room-notice" data-testid="room-notice">
          {ok}
        </p>
      ) : null}
      {notice?.error ? (
        <p className="room-notice is-error" role="alert" data-testid="room-action-error">
          <span>{notice.text}</span>
          <button
            type="button"
            className="room-notice-close"
            aria-label="Dismiss"
            onClick={room.dismissNotice}
          >
            <CloseIcon size={14} />
          </button>
        </p>
      ) : null}
    </>
  );
}
