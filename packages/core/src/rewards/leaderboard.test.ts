import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GiftEntry, leaderboardWindow, topGifters } from './leaderboard.ts';

const at = (s: string) => Date.parse(s);
const zone = 'Europe/London';

describe('top gifters', () => {
  const gifts: GiftEntry[] = [
    { senderId: 'ann', coins: 100, at: at('2026-03-29T10:00Z') },
    { senderId: 'bob', coins: 60, at: at('2026-03-29T09:00Z') },
    { senderId: 'bob', coins: 40, at: at('2026-03-29T11:00Z') },
    { senderId: 'cat', coins: 100, at: at('2026-03-29T10:00Z') },
    // Saturday, the day before: in the week, not in the day.
    { senderId: 'dan', coins: 500, at: at('2026-03-28T12:00Z') },
    // The week before.
    { senderId: 'eve', coins: 1_000, at: at('2026-03-20T12:00Z') },
  ];
  const now = at('2026-03-29T20:00Z');

  it('ranks a day by coins, then by who reached the total first, then by id', () => {
    expect(topGifters(gifts, { window: 'daily', now, zone, limit: 10 })).toEqual([
      { rank: 1, senderId: 'ann', coins: 100, reachedAt: at('2026-03-29T10:00Z') },
      { rank: 2, senderId: 'cat', coins: 100, reachedAt: at('2026-03-29T10:00Z') },
      { rank: 3, senderId: 'bob', coins: 100, reachedAt: at('2026-03-29T11:00Z') },
    ]);
  });

  it('reads the week from Monday local midnight and all time without bounds', () => {
    expect(topGifters(gifts, { window: 'weekly', now, zone, limit: 2 }).map((r) => r.senderId)).toEqual([
      'dan',
      'ann',
    ]);
    expect(topGifters(gifts, { window: 'allTime', now, zone, limit: 1 })[0]!.senderId).toBe('eve');
    expect(leaderboardWindow('allTime', now, zone)).toBeNull();
    // The day of the March change in London is 23 hours long.
    const day = leaderboardWindow('daily', now, zone)!;
    expect(day.end - day.start).toBe(23 * 3_600_000);
  });

  it('gives the same board whatever order the gifts come in, with no more rows than the limit', () => {
    const arbGift = fc.record({
      senderId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      coins: fc.integer({ min: 1, max: 5 }),
      at: fc.integer({ min: at('2026-03-23T00:00Z'), max: at('2026-03-30T00:00Z') }),
    });
    fc.assert(
      fc.property(
        fc
          .array(arbGift, { maxLength: 40 })
          .chain((g) => fc.tuple(fc.constant(g), fc.shuffledSubarray(g, { minLength: g.length }))),
        fc.constantFrom('daily', 'weekly', 'allTime' as const),
        fc.nat(6),
        ([a, b], window, limit) => {
          const board = topGifters(a, { window, now, zone, limit });
          expect(topGifters(b, { window, now, zone, limit })).toEqual(board);
          expect(board.length).toBeLessThanOrEqual(limit);
          for (let i = 1; i < board.length; i++)
            expect(board[i]!.coins).toBeLessThanOrEqual(board[i - 1]!.coins);
        },
      ),
    );
  });
});
