import type { RoomSignals } from '@onair/sdk';
import { describe, expect, it } from 'vitest';
import { initialRoomState, type RoomAction, type RoomState, roomReducer } from '../room/roomState.ts';

const signals = (extra: Partial<RoomSignals>): RoomSignals => ({
  hearts: 0,
  reactions: {},
  joins: [],
  joinedCount: 0,
  viewers: undefined,
  ...extra,
});
const run = (...actions: RoomAction[]): RoomState => actions.reduce(roomReducer, initialRoomState);

describe('fan clubs in the room state', () => {
  it('gives a member entering a line of their own with the badge, and counts the rest on the join line', () => {
    const s = run({
      type: 'signals',
      key: 'j1',
      signals: signals({
        joins: ['ana', 'ben'],
        joinedCount: 3,
        fanJoins: [{ name: 'ana', fan: { name: 'Hearts', level: 12 }, spotlight: true }],
      }),
    });
    expect(s.items).toEqual([
      {
        kind: 'system',
        key: 'j1:f0',
        system: 'fan_entrance',
        text: 'ana joined',
        user: null,
        fan: { name: 'ana', fan: { name: 'Hearts', level: 12 }, spotlight: true },
      },
      { kind: 'system', key: 'j1', system: 'join', text: 'ben and 1 other joined', user: null },
    ]);
  });

  it('says when fans-only chat is switched, without touching slow mode', () => {
    const s = run({
      type: 'events',
      events: [
        { seq: 1, kind: 'settings', slowModeS: 0, fansOnly: true },
        { seq: 2, kind: 'settings', slowModeS: 10 },
      ],
      blocked: new Set(),
      meId: null,
    });
    expect(s.items.map((i) => (i.kind === 'system' ? i.text : ''))).toEqual([
      'Fans-only chat is on: only fan club members can comment',
      'Slow mode is on: one comment every 10 s',
    ]);
    expect(s.slowModeS).toBe(10);
  });
});
