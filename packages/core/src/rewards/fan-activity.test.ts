import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAN_ACTIVE_WINDOW_MS, fanActivity } from './fan-activity.ts';

const W = FAN_ACTIVE_WINDOW_MS;
const DAY = 86_400_000;
const t0 = Date.parse('2026-03-01T18:00Z');

describe('active fan membership', () => {
  it('lapses exactly when the 7-day window after a LIVE closes without points', () => {
    const joined = t0 - DAY;
    const live = t0;
    expect(fanActivity(joined, [live], [], live + W - 1)).toEqual({
      status: 'active',
      since: joined,
      lapsesAt: live + W,
    });
    expect(fanActivity(joined, [live], [], live + W)).toEqual({ status: 'lapsed', since: live + W });
    expect(fanActivity(joined, [live], [], live + W + 1)).toEqual({ status: 'lapsed', since: live + W });
  });

  it('is kept by a point 1 ms before the window closes, not by one at the closing instant', () => {
    expect(fanActivity(t0 - DAY, [t0], [t0 + W - 1], t0 + W + 1)).toEqual({
      status: 'active',
      since: t0 - DAY,
      lapsesAt: null,
    });
    // A point at the closing instant comes after the lapse: active again, from then.
    expect(fanActivity(t0 - DAY, [t0], [t0 + W], t0 + W + 1)).toEqual({
      status: 'active',
      since: t0 + W,
      lapsesAt: null,
    });
  });

  it('needs a point after every LIVE, not only after the first', () => {
    const lives = [t0, t0 + DAY];
    // Earned between the two LIVEs: meets the first window only.
    expect(fanActivity(t0 - DAY, lives, [t0 + DAY / 2], t0 + DAY + W)).toEqual({
      status: 'lapsed',
      since: t0 + DAY + W,
    });
    expect(fanActivity(t0 - DAY, lives, [t0 + 2 * DAY], t0 + 30 * DAY).status).toBe('active');
  });

  it('comes back when the member earns again, and lapses again on the next missed window', () => {
    const lives = [t0, t0 + 10 * DAY, t0 + 20 * DAY];
    const back = t0 + 12 * DAY;
    expect(fanActivity(t0 - DAY, lives, [back], t0 + 20 * DAY + W - 1)).toEqual({
      status: 'active',
      since: back,
      lapsesAt: t0 + 20 * DAY + W,
    });
    expect(fanActivity(t0 - DAY, lives, [back], t0 + 20 * DAY + W + 1)).toEqual({
      status: 'lapsed',
      since: t0 + 20 * DAY + W,
    });
  });

  it('does not lapse while the creator is not going LIVE, and joining in a window meets it', () => {
    expect(fanActivity(t0, [], [], t0 + 365 * DAY)).toEqual({ status: 'active', since: t0, lapsesAt: null });
    expect(fanActivity(t0 + DAY, [t0], [], t0 + 30 * DAY)).toEqual({
      status: 'active',
      since: t0 + DAY,
      lapsesAt: null,
    });
  });

  it('agrees with a minute-by-minute walk of the rule for any history', () => {
    const MIN = 60_000;
    const w = 60 * MIN;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(600), { maxLength: 8 }),
        fc.uniqueArray(fc.nat(600), { maxLength: 8 }),
        fc.nat(600),
        (liveMins, earnMins, nowMin) => {
          const lives = liveMins.map((m) => t0 + m * MIN);
          const earned = earnMins.map((m) => t0 + m * MIN);
          const now = t0 + nowMin * MIN;
          // Joining (at t0) earns points, so it counts as an earning like any other.
          const earnedOrJoined = [t0, ...earned];
          // Walk time: open a window at each LIVE while active; lapse when one closes unmet.
          let state: 'active' | 'lapsed' = 'active';
          let since = t0;
          let open: number[] = [];
          for (let m = 0; m <= nowMin; m++) {
            const at = t0 + m * MIN;
            const earns = earnedOrJoined.includes(at);
            // Windows are half-open: one closing now lapses the member before a point earned now counts.
            if (state === 'active' && open.some((l) => l + w === at)) {
              state = 'lapsed';
              since = at;
              open = [];
            }
            if (state === 'lapsed' && earns) {
              state = 'active';
              since = at;
            }
            if (state === 'active') {
              if (earns) open = [];
              else if (lives.includes(at)) open.push(at);
            }
          }
          const got = fanActivity(t0, lives, earned, now, w);
          expect(got.status).toBe(state);
          expect(got.since).toBe(since);
        },
      ),
      { numRuns: 300 },
    );
  });
});
