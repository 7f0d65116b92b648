import type { ChatComment, ChatUser } from '@onair/protocol';
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { Avatar } from '../components/Avatar.tsx';
import { ChevronDownIcon, MoreIcon, PinIcon } from '../components/Icons.tsx';
import { MenuButton, type MenuItem } from '../components/Menu.tsx';
import { FanBadgeTag } from '../fanclub/FanBadgeTag.tsx';
import { type RoomUi, useRoomUi } from './RoomContext.tsx';
import type { ChatItem } from './roomState.ts';

/** How many lines the chat over the video shows (phones); older ones fade out at the top. */
export const OVERLAY_LINES = 8;
/** Within this many pixels of the bottom counts as "at the bottom": new comments keep it there. */
const STICKY_PX = 48;

export function BadgeTag({ badge }: { badge: ChatUser['badge'] }) {
  if (!badge) return null;
  const label = badge === 'host' ? 'Host' : badge === 'moderator' ? 'Mod' : 'Admin';
  return <span className={`chat-badge chat-badge-${badge}`}>{label}</span>;
}

const MENTION = /@[a-z0-9_.]{2,24}/gi;

/** The text with @mentions styled, and yours highlighted. */
export function CommentText({ text, myHandle }: { text: string; myHandle: string | null }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(MENTION)) {
    const start = m.index;
    if (start > at) parts.push(text.slice(at, start));
    const handle = m[0].slice(1).toLowerCase().replace(/\.+$/, '');
    const mine = myHandle !== null && handle === myHandle;
    parts.push(
      <span key={start} className={`chat-mention${mine ? ' is-me' : ''}`}>
        {m[0]}
      </span>,
    );
    at = start + m[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** What the signed-in viewer may do with a comment, in menu order. */
export function commentActions(ui: RoomUi, comment: ChatComment): MenuItem[] {
  const { room, info } = ui;
  const me = room.me;
  if (!me) return [];
  const ended = room.state.ended;
  const mine = comment.user.id === me.id;
  const items: MenuItem[] = [];
  if (!mine && !ended)
    items.push({ action: 'reply', label: 'Reply', onSelect: () => ui.replyToComment(comment) });
  if (room.canModerate && !ended) {
    const pinned = room.state.pinned?.id === comment.id;
    items.push(
      pinned
        ? { action: 'unpin', label: 'Unpin', onSelect: () => void room.pin(null) }
        : { action: 'pin', label: 'Pin', onSelect: () => void room.pin(comment) },
    );
  }
  if (room.canModerate || mine)
    items.push({
      action: 'delete',
      label: 'Delete',
      danger: true,
      onSelect: () => void room.deleteComment(comment),
    });
  // The server refuses sanctions on the host, and on moderators unless the host asks.
  const protectedTarget =
    comment.user.id === info.creator.id || (comment.user.badge === 'moderator' && !room.isHost);
  if (room.canModerate && !mine && !protectedTarget && !ended) {
    items.push(
      {
        action: 'mute-5',
        label: 'Mute 5 min',
        onSelect: () => void room.sanction(comment.user, 'mute', 5),
      },
      {
        action: 'mute-60',
        label: 'Mute 1 h',
        onSelect: () => void room.sanction(comment.user, 'mute', 60),
      },
      { action: 'ban', label: 'Ban', danger: true, onSelect: () => void room.sanction(comment.user, 'ban') },
    );
  }
  if (!mine) {
    items.push(
      { action: 'report', label: 'Report', onSelect: () => ui.setReporting(comment) },
      { action: 'block', label: 'Block', danger: true, onSelect: () => void room.block(comment.user) },
    );
  }
  return items;
}

function CommentRow({ comment, ui }: { comment: ChatComment; ui: RoomUi }) {
  const myHandle = ui.room.me?.handle ?? null;
  const mentionsMe = myHandle !== null && comment.mentions.includes(myHandle);
  const actions = commentActions(ui, comment);
  const canReply = actions.some((a) => a.action === 'reply');
  const { user } = comment;
  return (
    <li
      className={`chat-item chat-comment${mentionsMe ? ' is-mention' : ''}${user.badge ? ` is-${user.badge}` : ''}`}
      data-testid="chat-comment"
      data-comment-id={comment.id}
      data-author={user.handle}
      data-badge={user.badge ?? undefined}
      data-mentions-me={mentionsMe ? 'true' : undefined}
    >
      <Avatar user={user} size={28} className="chat-avatar" />
      {/* Tapping a comment starts a reply (a shortcut: the menu's "Reply" does the same by keyboard). */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer shortcut; "Reply" is in the menu */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: pointer shortcut; "Reply" is in the menu */}
      <div
        className={`chat-body${canReply ? ' is-tappable' : ''}`}
        onClick={canReply ? () => ui.replyToComment(comment) : undefined}
      >
        <span className="chat-name">{user.displayName}</span> <BadgeTag badge={user.badge} />{' '}
        <FanBadgeTag fan={user.fan} />{' '}
        {comment.replyTo ? (
          <span className="chat-replying" data-testid="chat-replying">
            replying to @{comment.replyTo.handle}: {comment.replyTo.text}
          </span>
        ) : null}{' '}
        <span className="chat-text">
          <CommentText text={comment.text} myHandle={myHandle} />
        </span>
      </div>
      {actions.length > 0 ? (
        <MenuButton
          label={`More actions for ${user.displayName}'s comment`}
          items={actions}
          className="chat-more"
          testId="comment-menu-button"
          menuTestId="comment-menu"
        >
          <MoreIcon size={16} />
        </MenuButton>
      ) : null}
    </li>
  );
}

function ChatRow({ item, ui }: { item: ChatItem; ui: RoomUi }) {
  if (item.kind === 'comment') return <CommentRow comment={item.comment} ui={ui} />;
  return (
    <li
      className={`chat-item chat-system chat-system-${item.system}${item.fan?.spotlight ? ' chat-entrance is-spotlight' : ''}`}
      data-testid="chat-system"
      data-kind={item.system}
      data-user={item.user?.handle}
    >
      {item.fan ? (
        <>
          <FanBadgeTag fan={item.fan.fan} />{' '}
        </>
      ) : null}
      {item.text}
    </li>
  );
}

/** The pinned comment, on top of the chat; staff can unpin it. */
export function PinnedCard() {
  const ui = useRoomUi();
  const { room } = ui;
  const pinned = room.state.pinned;
  if (!pinned) return null;
  return (
    <section
      className="pinned-card"
      aria-label="Pinned comment"
      data-testid="pinned-comment"
      data-comment-id={pinned.id}
    >
      <Avatar user={pinned.user} size={32} />
      <div className="pinned-body">
        <p className="pinned-head">
          <PinIcon size={13} />
          <span className="pinned-label">Pinned</span>
          <span className="chat-name pinned-name">{pinned.user.displayName}</span>{' '}
          <BadgeTag badge={pinned.user.badge} />
        </p>
        <p className="pinned-text">
          <CommentText text={pinned.text} myHandle={room.me?.handle ?? null} />
        </p>
      </div>
      {room.canModerate && !room.state.ended ? (
        <button
          type="button"
          className="pinned-unpin"
          onClick={() => void room.pin(null)}
          aria-label="Unpin comment"
          data-testid="unpin-button"
        >
          Unpin
        </button>
      ) : null}
    </section>
  );
}

/** Phones: the last few lines over the bottom-left of the video, fading out upward. */
export function ChatOverlay() {
  const ui = useRoomUi();
  const items = ui.room.state.items.slice(-OVERLAY_LINES);
  return (
    <div className="chat-overlay" role="log" aria-label="LIVE chat" aria-live="polite" data-testid="chat-log">
      <ol className="chat-list">
        {items.map((item) => (
          <ChatRow key={item.key} item={item} ui={ui} />
        ))}
      </ol>
    </div>
  );
}

/**
 * Wide screens: the whole chat in the side panel. It follows new comments while you are at the
 * bottom; scrolled up, it stays put and offers a "New comments" pill instead. "Load earlier" pages
 * back through the LIVE's history.
 */
export function ChatPanelLog() {
  const ui = useRoomUi();
  const { room } = ui;
  const { items, earlierBefore, ready } = room.state;
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const seen = useRef<{ first: string | undefined; last: string | undefined; height: number }>({
    first: undefined,
    last: undefined,
    height: 0,
  });
  const [unseen, setUnseen] = useState(0);

  const first = items[0]?.key;
  const last = items.at(-1)?.key;
  const newest = items.at(-1);
  const mineNewest = newest?.kind === 'comment' && newest.comment.user.id === room.me?.id;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const prev = seen.current;
    if (first !== prev.first && last === prev.last && prev.height > 0) {
      // Earlier comments went in on top: keep the same comments in view.
      el.scrollTop += el.scrollHeight - prev.height;
    } else if (last !== prev.last) {
      if (atBottom.current || mineNewest) {
        el.scrollTop = el.scrollHeight;
        atBottom.current = true;
        setUnseen(0);
      } else {
        const from = items.findIndex((i) => i.key === prev.last);
        const added = items.slice(from + 1).filter((i) => i.kind === 'comment').length;
        if (added > 0) setUnseen((n) => n + added);
      }
    }
    seen.current = { first, last, height: el.scrollHeight };
  }, [items, first, last, mineNewest]);

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
    if (atBottom.current) setUnseen(0);
  }

  function jumpToNewest() {
    const el = scrollRef.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    atBottom.current = true;
    setUnseen(0);
  }

  return (
    <div className="chat-panel-log">
      <div
        ref={scrollRef}
        className="chat-scroll"
        role="log"
        aria-label="LIVE chat"
        aria-live="polite"
        // Scrollable by keyboard too.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll container must be focusable to scroll by keys
        tabIndex={0}
        onScroll={onScroll}
        data-testid="chat-log"
      >
        {earlierBefore !== null ? (
          <button
            type="button"
            className="btn btn-ghost btn-xs chat-earlier"
            onClick={() => void room.loadEarlier()}
            disabled={room.loadingEarlier}
            data-testid="load-earlier"
          >
            {room.loadingEarlier ? 'Loading…' : 'Load earlier'}
          </button>
        ) : null}
        {ready && !items.some((i) => i.kind === 'comment') ? (
          <p className="chat-empty" data-testid="chat-empty">
            Welcome to the LIVE chat. Say hi!
          </p>
        ) : null}
        <ol className="chat-list">
          {items.map((item) => (
            <ChatRow key={item.key} item={item} ui={ui} />
          ))}
        </ol>
      </div>
      {unseen > 0 ? (
        <button
          type="button"
          className="chat-new-pill"
          onClick={jumpToNewest}
          data-testid="new-comments-pill"
        >
          New comments
          <ChevronDownIcon size={16} />
        </button>
      ) : null}
    </div>
  );
}
