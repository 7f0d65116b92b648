import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceStreak, STREAK_WINDOW_MS, type Streak, streakEndsAt } from './streaks.ts';

describe('gift streaks', () => {
  it('adds up quantities within the window and starts over after it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.nat({ max: 2 * STREAK_WINDOW_MS }),
            quantity: fc.integer({ min: 1, max: 99 }),
          }),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        (sends) => {
          let n = 0;
          let at = 1_000_000;
          let streak: Streak | undefined;
          let expectedCount = 0;
          let streaks = 0;
          for (const s of sends) {
            at += s.gap;
            const continues = streak !== undefined && s.gap <= STREAK_WINDOW_MS;
            expectedCount = continues ? expectedCount + s.quantity : s.quantity;
            if (!continues) streaks++;
            const prevId = streak?.id;
            streak = advanceStreak(
              streak,
              { at, quantity: s.quantity, comboId: null, streakable: true },
              () => `s${++n}`,
            );
            expect(streak.count).toBe(expectedCount);
            expect(streak.id === prevId).toBe(continues);
            expect(streakEndsAt(streak)).toBe(at + STREAK_WINDOW_MS);
          }
          expect(n).toBe(streaks);
        },
      ),
    );
  });

  it('never stacks big gifts and starts over on a new combo', () => {
    let n = 0;
    const id = () => `s${++n}`;
    const a = advanceStreak(undefined, { at: 0, quantity: 1, comboId: 'c1', streakable: true }, id);
    const b = advanceStreak(a, { at: 10, quantity: 2, comboId: 'c1', streakable: true }, id);
    expect(b).toMatchObject({ id: a.id, count: 3 });
    const c = advanceStreak(b, { at: 20, quantity: 1, comboId: 'c2', streakable: true }, id);
    expect(c).toMatchObject({ count: 1, comboId: 'c2' });
    expect(c.id).not.toBe(b.id);
    const big1 = advanceStreak(undefined, { at: 0, quantity: 1, comboId: null, streakable: false }, id);
    const big2 = advanceStreak(big1, { at: 1, quantity: 1, comboId: null, streakable: false }, id);
    expect(big2.count).toBe(1);
    expect(big2.id).not.toBe(big1.id);
  });
});
