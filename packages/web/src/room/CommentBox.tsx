import { COMMENT_MAX } from '@onair/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../app/session.tsx';
import { CloseIcon, SendIcon } from '../components/Icons.tsx';
import { type ChatError, chatError, msUntil, untilLabel } from './chatErrors.ts';
import { useRoomUi } from './RoomContext.tsx';

/** The counter shows from here on: near the limit is when it helps. */
const COUNTER_FROM = COMMENT_MAX - 30;
const LEADING_MENTION = /^@[a-z0-9_.]+\s*/i;

/**
 * "Add a comment": Enter sends; the comment shows when the room echoes it back (fast), so there is
 * no optimistic copy. A refusal (muted, slow mode, banned word…) is said inline and the text stays
 * for another try. Signed out, it is a "Log in to comment" link.
 */
export function CommentBox({ variant }: { variant: 'overlay' | 'panel' }) {
  const ui = useRoomUi();
  const { room, replyTo, setReplyTo, inputRef } = ui;
  const location = useLocation();
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ChatError | null>(null);
  const { ended, mySanction } = room.state;
  const { loading } = useSession();

  // A reply was asked for (a tap on a comment, or "Reply" in its menu): "@handle " and focus.
  useEffect(() => {
    if (!replyTo) return;
    setDraft((text) => `@${replyTo.handle} ${text.replace(LEADING_MENTION, '')}`.slice(0, COMMENT_MAX));
    setError((e) => (e?.code === 'chat.comment_not_found' ? null : e));
    requestAnimationFrame(() => {
      const input = inputRef.current;
      if (!input) return;
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    });
  }, [replyTo, inputRef]);

  // Muted or banned while here: say so before they try.
  useEffect(() => {
    if (mySanction?.kind === 'mute') {
      const clearAfterMs = msUntil(mySanction.until);
      setError({
        code: 'chat.muted',
        text: `You're muted in this LIVE${untilLabel(mySanction.until)}.`,
        ...(clearAfterMs ? { clearAfterMs } : {}),
      });
    } else if (mySanction?.kind === 'ban')
      setError({ code: 'chat.banned', text: "You can't comment in this LIVE." });
    else setError((e) => (e?.code === 'chat.muted' || e?.code === 'chat.banned' ? null : e));
  }, [mySanction]);

  // Waits (slow mode, too fast) clear themselves when they are over.
  useEffect(() => {
    if (!error?.clearAfterMs) return;
    const timer = setTimeout(() => setError((e) => (e === error ? null : e)), error.clearAfterMs);
    return () => clearTimeout(timer);
  }, [error]);

  // Until the session answers, a signed-in viewer would be offered "Log in" for a moment.
  if (!room.me && loading)
    return <div className={`comment-box comment-box-${variant} is-loading`} aria-busy="true" />;
  if (!room.me) {
    return (
      <div className={`comment-box comment-box-${variant} is-signed-out`}>
        <Link to="/login" state={{ from: location }} className="comment-login" data-testid="chat-login">
          Log in to comment
        </Link>
      </div>
    );
  }

  const text = draft.trim();
  const length = draft.length;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!text || sending || ended) return;
    setSending(true);
    setError(null);
    try {
      await room.send(text, replyTo && draft.includes(`@${replyTo.handle}`) ? replyTo.id : undefined);
      setDraft('');
      setReplyTo(null);
    } catch (err) {
      const next = chatError(err);
      if (next.code === 'chat.comment_not_found') setReplyTo(null);
      setError(next);
    } finally {
      setSending(false);
    }
  }

  const errorId = `comment-error-${variant}`;
  const counterId = `comment-counter-${variant}`;
  const describedBy = [error ? errorId : '', length >= COUNTER_FROM ? counterId : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`comment-box comment-box-${variant}`}>
      {error ? (
        <p
          id={errorId}
          className="comment-error"
          role="alert"
          data-testid="chat-error"
          data-code={error.code}
        >
          {error.text}
        </p>
      ) : null}
      {replyTo && draft.includes(`@${replyTo.handle}`) ? (
        <p className="comment-replying" data-testid="comment-replying">
          Replying to @{replyTo.handle}
          <button
            type="button"
            className="comment-replying-cancel"
            aria-label="Cancel reply"
            onClick={() => {
              setReplyTo(null);
              setDraft((t) => t.replace(LEADING_MENTION, ''));
            }}
          >
            <CloseIcon size={14} />
          </button>
        </p>
      ) : null}
      <form className="comment-form" onSubmit={onSubmit} noValidate>
        <input
          ref={inputRef}
          className="comment-input"
          type="text"
          value={draft}
          maxLength={COMMENT_MAX}
          placeholder={ended ? 'This LIVE has ended' : 'Add a comment…'}
          aria-label="Add a comment"
          aria-describedby={describedBy || undefined}
          aria-invalid={error?.code === 'chat.blocked_word' ? true : undefined}
          enterKeyHint="send"
          autoComplete="off"
          disabled={ended}
          onChange={(e) => {
            setDraft(e.target.value);
            // Editing answers a banned word or a failed send; waits and mutes stay until they are over.
            if (error && !error.clearAfterMs && error.code !== 'chat.muted' && error.code !== 'chat.banned')
              setError(null);
          }}
          data-testid="comment-input"
        />
        {length >= COUNTER_FROM ? (
          <span
            id={counterId}
            className={`comment-counter${length >= COMMENT_MAX ? ' is-full' : ''}`}
            data-testid="comment-counter"
          >
            {length}/{COMMENT_MAX}
          </span>
        ) : null}
        <button
          type="submit"
          className="comment-send"
          aria-label="Send"
          disabled={!text || sending || ended}
          data-testid="send-comment"
        >
          <SendIcon size={18} />
        </button>
      </form>
    </div>
  );
}
