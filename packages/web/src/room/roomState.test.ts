import type { ChatComment, ChatUser, RoomEvent, RoomSnapshot } from '@onair/protocol';
import type { RoomSignals } from '@onair/sdk';
import { describe, expect, it } from 'vitest';
import {
  type ChatItem,
  initialRoomState,
  joinLine,
  MAX_ITEMS,
  type RoomAction,
  type RoomState,
  roomReducer,
} from './roomState.ts';

const user = (id: string, badge: ChatUser['badge'] = null): ChatUser => ({
  id,
  handle: id,
  displayName: id.toUpperCase(),
  avatarUrl: null,
  badge,
});
const HOST = user('host', 'host');
const ANA = user('ana');
const BEN = user('ben');
const ME = user('me');

let n = 0;
const comment = (by: ChatUser, text = `text ${++n}`, id = `c${++n}`): ChatComment => ({
  id,
  user: by,
  text,
  replyTo: null,
  mentions: [],
  at: '2026-12-07T12:00:00.000Z',
});
const snapshot = (comments: ChatComment[], extra: Partial<RoomSnapshot> = {}): RoomSnapshot => ({
  seq: 100,
  comments,
  pinned: null,
  viewers: { current: 3, peak: 5 },
  slowModeS: 0,
  ...extra,
});
const none: ReadonlySet<string> = new Set();
const signals = (extra: Partial<RoomSignals>): RoomSignals => ({
  hearts: 0,
  reactions: {},
  joins: [],
  joinedCount: 0,
  viewers: undefined,
  ...extra,
});

/** Applies actions in order from the initial state. */
const run = (...actions: RoomAction[]): RoomState => actions.reduce(roomReducer, initialRoomState);
const joined = (comments: ChatComment[], extra: Partial<RoomSnapshot> = {}, blocked = none): RoomAction => ({
  type: 'snapshot',
  snapshot: snapshot(comments, extra),
  meId: ME.id,
  blocked,
});
const events = (list: RoomEvent[], blocked = none): RoomAction => ({
  type: 'events',
  events: list,
  meId: ME.id,
  blocked,
});
const texts = (s: RoomState) => s.items.map((i) => (i.kind === 'comment' ? i.comment.text : i.text));

describe('the room reducer', () => {
  it('shows a snapshot as it is, without the blocked, and knows whether there is anything earlier', () => {
    const a = comment(ANA, 'hello');
    const b = comment(BEN, 'from a blocked user');
    const s = run(joined([a, b], { pinned: b, slowModeS: 10 }, new Set([BEN.id])));
    expect(s.ready).toBe(true);
    expect(texts(s)).toEqual(['hello']);
    expect(s.pinned).toBeNull();
    expect(s).toMatchObject({ viewers: { current: 3, peak: 5 }, slowModeS: 10, earlierBefore: null });
    // A full snapshot page means older comments exist: the next page starts below its seq.
    const full = run(joined(Array.from({ length: 30 }, () => comment(ANA))));
    expect(full.earlierBefore).toBe(101);
  });

  it('learns your badge from your own latest comment in the snapshot, and a new snapshot replaces the chat', () => {
    const s = run(
      joined([comment({ ...ME, badge: null }), comment({ ...ME, badge: 'moderator' }), comment(ANA)]),
    );
    expect(s.learnedBadge).toBe('moderator');
    const again = roomReducer(s, joined([comment(BEN, 'after a resync')]));
    expect(texts(again)).toEqual(['after a resync']);
    expect(again.learnedBadge).toBe('moderator');
  });

  it('appends events in the order they come, once each: a comment it already shows is dropped', () => {
    const first = comment(ANA, 'first');
    const second = comment(BEN, 'second');
    const s = run(
      joined([first]),
      events([
        { seq: 101, kind: 'comment', comment: second },
        { seq: 102, kind: 'comment', comment: first },
      ]),
      events([{ seq: 103, kind: 'comment', comment: second }]),
    );
    expect(texts(s)).toEqual(['first', 'second']);
    expect(s.items.map((i) => i.key)).toEqual([first.id, second.id]);
  });

  it('hides comments of blocked users, yet learns your badge from your own', () => {
    const s = run(
      joined([]),
      events(
        [
          { seq: 101, kind: 'comment', comment: comment(BEN, 'hidden') },
          { seq: 102, kind: 'comment', comment: comment({ ...ME, badge: 'host' }, 'mine') },
        ],
        new Set([BEN.id]),
      ),
    );
    expect(texts(s)).toEqual(['mine']);
    expect(s.learnedBadge).toBe('host');
  });

  it('deletes a comment from the chat and from the pin, and pins only what is visible', () => {
    const keep = comment(ANA, 'keep');
    const gone = comment(BEN, 'gone');
    const pinned = run(joined([keep, gone]), events([{ seq: 101, kind: 'pinned', comment: gone }]));
    expect(pinned.pinned?.id).toBe(gone.id);
    const deleted = roomReducer(pinned, events([{ seq: 102, kind: 'comment_deleted', id: gone.id }]));
    expect(texts(deleted)).toEqual(['keep']);
    expect(deleted.pinned).toBeNull();
    const unpinned = roomReducer(pinned, events([{ seq: 102, kind: 'pinned', comment: null }]));
    expect(unpinned.pinned).toBeNull();
    const blockedPin = roomReducer(
      pinned,
      events([{ seq: 102, kind: 'pinned', comment: gone }], new Set([BEN.id])),
    );
    expect(blockedPin.pinned).toBeNull();
    // Removing your own comment (or a moderator's delete answered over HTTP) does the same at once.
    const removed = roomReducer(pinned, { type: 'remove', id: gone.id });
    expect(texts(removed)).toEqual(['keep']);
    expect(removed.pinned).toBeNull();
  });

  it('says what moderation did, to you in the second person, and tracks your sanction', () => {
    const muted = run(
      joined([]),
      events([
        { seq: 101, kind: 'moderation', action: 'mute', user: ME, until: '2026-12-07T12:05:00.000Z' },
        { seq: 102, kind: 'moderation', action: 'ban', user: ANA, until: null },
      ]),
    );
    expect(texts(muted)).toEqual(['You were muted', 'ANA was banned from the chat']);
    expect(muted.mySanction).toEqual({ kind: 'mute', until: '2026-12-07T12:05:00.000Z' });
    const banned = roomReducer(
      muted,
      events([{ seq: 103, kind: 'moderation', action: 'ban', user: ME, until: null }]),
    );
    expect(banned.mySanction).toEqual({ kind: 'ban' });
    const lifted = roomReducer(
      banned,
      events([{ seq: 104, kind: 'moderation', action: 'unban', user: ME, until: null }]),
    );
    expect(lifted.mySanction).toBeNull();
    expect(roomReducer(lifted, { type: 'identity' })).toMatchObject({
      mySanction: null,
      learnedBadge: undefined,
    });
  });

  it('gives a new moderator the badge on comments already shown, never over the host badge', () => {
    const s = run(
      joined([comment(ANA, 'by ana'), comment(HOST, 'by host'), comment(ME, 'by me')]),
      events([
        { seq: 101, kind: 'moderation', action: 'moderator_added', user: ANA, until: null },
        { seq: 102, kind: 'moderation', action: 'moderator_added', user: ME, until: null },
        { seq: 103, kind: 'moderation', action: 'moderator_added', user: HOST, until: null },
      ]),
    );
    const badges = s.items.flatMap((i) => (i.kind === 'comment' ? [i.comment.user.badge] : []));
    expect(badges).toEqual(['moderator', 'host', 'moderator']);
    expect(s.learnedBadge).toBe('moderator');
    expect(texts(s).slice(3)).toEqual([
      'ANA is now a moderator',
      'You are now a moderator',
      'HOST is now a moderator',
    ]);
    const removed = roomReducer(
      s,
      events([{ seq: 104, kind: 'moderation', action: 'moderator_removed', user: ANA, until: null }]),
    );
    expect(removed.items[0]).toMatchObject({ comment: { user: { badge: null } } });
    expect(texts(removed).at(-1)).toBe('ANA is no longer a moderator');
  });

  it('records shares, follows, slow mode and the end of the LIVE', () => {
    const s = run(
      joined([]),
      events([
        { seq: 101, kind: 'share', user: ANA },
        { seq: 102, kind: 'follow', user: BEN },
        { seq: 103, kind: 'settings', slowModeS: 15 },
        { seq: 104, kind: 'ended' },
      ]),
    );
    expect(texts(s)).toEqual([
      'ANA shared this LIVE',
      'BEN followed the host',
      'Slow mode is on: one comment every 15 s',
    ]);
    expect(s.items.map((i) => i.key)).toEqual(['s101', 's102', 's103']);
    expect(s).toMatchObject({ slowModeS: 15, ended: true });
  });

  it('rolls join lines (a new batch replaces the one right before it) and keeps hearts out of the chat', () => {
    const first = run(joined([]), {
      type: 'signals',
      signals: signals({ joins: ['ana'], joinedCount: 1, viewers: { current: 4, peak: 6 } }),
      key: 'j1',
    });
    expect(texts(first)).toEqual(['ana joined']);
    expect(first.viewers).toEqual({ current: 4, peak: 6 });
    const rolled = roomReducer(first, {
      type: 'signals',
      signals: signals({ joins: ['ben', 'cy'], joinedCount: 4 }),
      key: 'j2',
    });
    expect(rolled.items).toEqual([
      { kind: 'system', key: 'j2', system: 'join', text: 'ben and 3 others joined', user: null },
    ]);
    // Taps are counted by the stage's hearts, not as lines: the chat is left as it was.
    const hearts = roomReducer(rolled, { type: 'signals', signals: signals({ hearts: 12 }), key: 'j3' });
    expect(hearts).toBe(rolled);
    const after = roomReducer(rolled, events([{ seq: 101, kind: 'comment', comment: comment(ANA, 'hi') }]));
    const next = roomReducer(after, {
      type: 'signals',
      signals: signals({ joins: ['dee'], joinedCount: 2 }),
      key: 'j4',
    });
    expect(texts(next)).toEqual(['ben and 3 others joined', 'hi', 'dee and 1 other joined']);
  });

  it('prepends earlier pages oldest first, skipping what it shows and the blocked', () => {
    const shown = comment(ANA, 'shown');
    const s = run(joined([shown]), {
      type: 'earlier',
      // The server pages newest first.
      comments: [shown, comment(BEN, 'hidden'), comment(ANA, 'older'), comment(ANA, 'oldest')],
      nextBefore: 42,
      blocked: new Set([BEN.id]),
    });
    expect(texts(s)).toEqual(['oldest', 'older', 'shown']);
    expect(s.earlierBefore).toBe(42);
  });

  it('removes a user you block from the chat and the pin at once', () => {
    const theirs = comment(BEN, 'theirs');
    const s = run(joined([comment(ANA, 'ours'), theirs], { pinned: theirs }), {
      type: 'block',
      userId: BEN.id,
    });
    expect(texts(s)).toEqual(['ours']);
    expect(s.pinned).toBeNull();
  });

  it(`keeps the last ${MAX_ITEMS} lines`, () => {
    const list: RoomEvent[] = Array.from({ length: MAX_ITEMS + 5 }, (_, i) => ({
      seq: 101 + i,
      kind: 'comment',
      comment: comment(ANA, `line ${i}`),
    }));
    const s = run(joined([]), events(list));
    expect(s.items).toHaveLength(MAX_ITEMS);
    expect((s.items[0] as Extract<ChatItem, { kind: 'comment' }>).comment.text).toBe('line 5');
    expect(run(joined([comment(ANA)]), { type: 'reset' })).toEqual(initialRoomState);
  });
});

describe('joinLine', () => {
  it('names the first and counts the others', () => {
    expect(joinLine(['ana'], 1)).toBe('ana joined');
    expect(joinLine(['ana', 'ben'], 2)).toBe('ana and 1 other joined');
    expect(joinLine(['ana'], 7)).toBe('ana and 6 others joined');
    expect(joinLine([], 3)).toBeNull();
    expect(joinLine(['ana'], 0)).toBeNull();
  });
});
