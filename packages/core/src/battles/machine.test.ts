import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATTLE_STATUSES,
  type BattleEvent,
  type BattleSettings,
  type BattleState,
  deadlineOf,
  newInvite,
  newMatch,
  reduce,
  winnerOf,
} from './machine.ts';

const settings: BattleSettings = {
  inviteMs: 20_000,
  connectMs: 3_000,
  durationMs: 300_000,
  resultMs: 60_000,
};
const A = 'a';
const B = 'b';
const T0 = 1_000_000;

const order = (s: BattleState['status']) => BATTLE_STATUSES.indexOf(s);

const arbEvent: fc.Arbitrary<(at: number) => BattleEvent> = fc.oneof(
  fc.constantFrom(A, B, 'stranger').map((by) => (at: number) => ({ type: 'accept', by, at }) as const),
  fc.constantFrom(A, B, 'stranger').map((by) => (at: number) => ({ type: 'decline', by, at }) as const),
  fc.tuple(fc.constantFrom(A, B, 'stranger'), fc.option(fc.tuple(fc.nat(1e6), fc.nat(1e6)))).map(
    ([by, scores]) =>
      (at: number) =>
        ({ type: 'leave', by, at, ...(scores ? { scores } : {}) }) as const,
  ),
  fc.constant((at: number) => ({ type: 'timer', at }) as const),
  fc
    .tuple(fc.nat(1e6), fc.nat(1e6))
    .map((scores) => (at: number) => ({ type: 'finish', at, scores }) as const),
  fc.constant((at: number) => ({ type: 'extend', at, byMs: 10_000, max: 3 }) as const),
);

/** Any order of events, at times that jump around every deadline. */
const arbRun = fc.record({
  matched: fc.boolean(),
  steps: fc.array(fc.tuple(arbEvent, fc.integer({ min: 0, max: 120_000 })), { maxLength: 40 }),
});

describe('battle state machine', () => {
  it('only moves forward, never leaves ended, and keeps its invariants under any event order', () => {
    fc.assert(
      fc.property(arbRun, ({ matched, steps }) => {
        let state = matched ? newMatch([[A], [B]], settings, T0) : newInvite([[A], [B]], settings, T0);
        let at = T0;
        for (const [make, gap] of steps) {
          at += gap;
          const event = make(at);
          const result = reduce(state, event);
          if (!result.ok) {
            if (state.status === 'ended') expect(result.code).toBe('battle.ended');
            if ('by' in event && event.by === 'stranger' && state.status !== 'ended')
              expect(result.code).toBe('battle.not_member');
            continue;
          }
          const next = result.state;
          expect(order(next.status)).toBeGreaterThanOrEqual(order(state.status));
          expect(next.sides).toEqual(state.sides);
          expect(next.extensions).toBeLessThanOrEqual(3);
          if (next.status === 'active') {
            expect(next.startedAt).not.toBeNull();
            expect(next.endsAt! - next.startedAt!).toBe(settings.durationMs + next.extensions * 10_000);
          }
          if (next.status === 'result' || (next.status === 'ended' && next.scores)) {
            expect(next.scores).toHaveLength(2);
            if (next.reason === 'finished') expect(next.winner).toBe(winnerOf(next.scores!));
            if (next.reason === 'forfeit') expect(next.winner).toBe(next.forfeitBy === A ? 1 : 0);
          }
          if (next.status === 'ended') {
            expect(next.reason).not.toBeNull();
            expect(next.endedAt).not.toBeNull();
            expect(deadlineOf(next)).toBeNull();
          } else expect(deadlineOf(next)).not.toBeNull();
          // A battle that never started has no scores and no winner.
          if (next.reason === 'declined' || next.reason === 'cancelled' || next.reason === 'expired') {
            expect(next.scores).toBeNull();
            expect(next.winner).toBeNull();
          }
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic: the same events give the same battle', () => {
    fc.assert(
      fc.property(arbRun, ({ matched, steps }) => {
        const run = () => {
          let state = matched ? newMatch([[A], [B]], settings, T0) : newInvite([[A], [B]], settings, T0);
          let at = T0;
          for (const [make, gap] of steps) {
            at += gap;
            const r = reduce(state, make(at));
            if (r.ok) state = r.state;
          }
          return state;
        };
        expect(run()).toEqual(run());
      }),
    );
  });

  it('walks the happy path with the windows at their scheduled times, even when timers run late', () => {
    let s = newInvite([[A], [B]], settings, T0);
    expect(reduce(s, { type: 'accept', by: A, at: T0 + 1 })).toEqual({
      ok: false,
      code: 'battle.not_invited',
    });
    let r = reduce(s, { type: 'accept', by: B, at: T0 + 5_000 });
    if (!r.ok) throw new Error(r.code);
    s = r.state;
    expect(s.status).toBe('connecting');
    r = reduce(s, { type: 'timer', at: T0 + 9_000 }); // a worker 1 s late
    if (!r.ok) throw new Error(r.code);
    s = r.state;
    expect(s.startedAt).toBe(T0 + 8_000);
    expect(s.endsAt).toBe(T0 + 308_000);
    expect(reduce(s, { type: 'finish', at: T0 + 307_999, scores: [1, 2] }).ok).toBe(false);
    r = reduce(s, { type: 'finish', at: T0 + 400_000, scores: [5, 5] });
    if (!r.ok) throw new Error(r.code);
    s = r.state;
    expect(s).toMatchObject({ status: 'result', winner: null, scores: [5, 5], resultEndsAt: T0 + 368_000 });
    r = reduce(s, { type: 'timer', at: T0 + 368_000 });
    if (!r.ok) throw new Error(r.code);
    expect(r.state).toMatchObject({ status: 'ended', endedAt: T0 + 368_000, reason: 'finished' });
    expect(reduce(r.state, { type: 'leave', by: A, at: T0 + 400_000 })).toEqual({
      ok: false,
      code: 'battle.ended',
    });
  });

  it('refuses an accept at or after the expiry, and expires at the invite deadline', () => {
    const s = newInvite([[A], [B]], settings, T0);
    expect(reduce(s, { type: 'accept', by: B, at: T0 + 20_000 })).toEqual({
      ok: false,
      code: 'battle.invite_expired',
    });
    expect(reduce(s, { type: 'accept', by: B, at: T0 + 19_999 }).ok).toBe(true);
    const expired = reduce(s, { type: 'timer', at: T0 + 25_000 });
    expect(expired.ok && expired.state).toMatchObject({
      status: 'ended',
      reason: 'expired',
      endedAt: T0 + 20_000,
    });
  });

  it('gives a forfeit to the side that stayed, and skips the result phase when it is off', () => {
    const s = newMatch([[A], [B]], { ...settings, resultMs: 0 }, T0);
    const active = reduce(s, { type: 'timer', at: T0 + 3_000 });
    if (!active.ok) throw new Error(active.code);
    const left = reduce(active.state, { type: 'leave', by: B, at: T0 + 10_000, scores: [1, 900] });
    expect(left.ok && left.state).toMatchObject({
      status: 'ended',
      reason: 'forfeit',
      winner: 0,
      forfeitBy: B,
      scores: [1, 900],
      endsAt: T0 + 10_000,
    });
  });

  it('caps time extensions and only extends before the end', () => {
    let s = newMatch([[A], [B]], settings, T0);
    const r = reduce(s, { type: 'timer', at: T0 + 3_000 });
    if (!r.ok) throw new Error(r.code);
    s = r.state;
    for (let i = 0; i < 5; i++) {
      const e = reduce(s, { type: 'extend', at: T0 + 4_000, byMs: 10_000, max: 3 });
      if (e.ok) s = e.state;
    }
    expect(s.extensions).toBe(3);
    expect(s.endsAt).toBe(T0 + 3_000 + 330_000);
  });

  it('allows teams: a 2v2 battle is the same machine', () => {
    const s = newMatch(
      [
        [A, 'a2'],
        [B, 'b2'],
      ],
      settings,
      T0,
    );
    const active = reduce(s, { type: 'timer', at: T0 + 3_000 });
    if (!active.ok) throw new Error(active.code);
    const left = reduce(active.state, { type: 'leave', by: 'b2', at: T0 + 5_000, scores: [0, 0] });
    expect(left.ok && left.state.winner).toBe(0);
  });
});
