import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING as C } from './config.ts';
import {
  consistencyScore,
  engagementRate,
  giftCredit,
  heartCredit,
  type ViewerActivity,
  viewerEngagement,
} from './engagement.ts';

const WINDOW = C.windowMs;
const arbViewer: fc.Arbitrary<ViewerActivity> = fc.record({
  watchMs: fc.integer({ min: 0, max: WINDOW }),
  comments: fc.nat(50),
  shares: fc.nat(5),
  hearts: fc.nat(500),
  giftCoins: fc.nat(50_000),
});
const passive = (watchMs = WINDOW): ViewerActivity => ({
  watchMs,
  comments: 0,
  shares: 0,
  hearts: 0,
  giftCoins: 0,
});

describe('engagement credit', () => {
  it('credits hearts up to the per-viewer cap and nothing past it', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(heartCredit(lo, C)).toBeLessThanOrEqual(heartCredit(hi, C));
        if (lo >= C.heartCapPerViewer) expect(heartCredit(hi, C)).toBe(heartCredit(lo, C));
      }),
    );
    expect(heartCredit(10, C)).toBeCloseTo(1, 12);
    expect(heartCredit(C.heartCapPerViewer, C)).toBeCloseTo(3, 12);
    expect(heartCredit(C.heartCapPerViewer + 1_000, C)).toBe(heartCredit(C.heartCapPerViewer, C));
  });

  it("credits one sender's coins on a log scale, and nothing beyond the cap", () => {
    expect(giftCredit(0, C)).toBe(0);
    expect(giftCredit(1_000, C)).toBeCloseTo(2 * Math.log(1_001), 12);
    fc.assert(
      fc.property(fc.nat(5_000_000), (extra) => {
        expect(giftCredit(C.giftCoinCapPerSender + extra, C)).toBe(giftCredit(C.giftCoinCapPerSender, C));
        expect(giftCredit(extra, C)).toBeLessThanOrEqual(giftCredit(C.giftCoinCapPerSender, C));
      }),
    );
    // Ten 1-coin senders outweigh one 10-coin sender.
    expect(10 * giftCredit(1, C)).toBeGreaterThan(giftCredit(10, C));
  });

  it('sums comment, share, heart and gift credit for a viewer who stayed long enough', () => {
    const v = { watchMs: 60_000, comments: 3, shares: 1, hearts: 40, giftCoins: 99 };
    expect(viewerEngagement(v, C)).toBeCloseTo(3 * 1 + 1 * 3 + 30 * 0.1 + 2 * Math.log(100), 12);
    expect(viewerEngagement({ ...v, watchMs: C.minWatchMs - 1 }, C)).toBe(0);
    expect(viewerEngagement({ ...v, watchMs: C.minWatchMs }, C)).toBeGreaterThan(0);
  });

  it('divides by qualifying viewer-minutes in the window', () => {
    const active = { watchMs: 120_000, comments: 4, shares: 0, hearts: 0, giftCoins: 0 };
    expect(engagementRate([active, passive(120_000)], C)).toBeCloseTo(4 / 4, 12);
    // Time watched beyond the window is not the window's.
    expect(engagementRate([{ ...active, watchMs: WINDOW * 3 }], C)).toBeCloseTo(4 / 10, 12);
    expect(engagementRate([], C)).toBe(0);
    expect(engagementRate([{ ...active, watchMs: 5_000 }], C)).toBe(0);
  });

  it('ignores viewers under minWatchMs entirely: no credit and no viewer-minutes', () => {
    fc.assert(
      fc.property(
        fc.array(arbViewer, { maxLength: 30 }),
        arbViewer.map((v) => ({ ...v, watchMs: v.watchMs % C.minWatchMs })),
        (viewers, driveBy) => {
          expect(viewerEngagement(driveBy, C)).toBe(0);
          expect(engagementRate([...viewers, driveBy], C)).toBe(engagementRate(viewers, C));
        },
      ),
    );
  });

  it('never rises when hearts pass the cap or coins pass the cap', () => {
    fc.assert(
      fc.property(fc.array(arbViewer, { minLength: 1, maxLength: 30 }), fc.nat(100_000), (viewers, more) => {
        const capped = viewers.map((v) => ({
          ...v,
          hearts: Math.min(v.hearts, C.heartCapPerViewer),
          giftCoins: Math.min(v.giftCoins, C.giftCoinCapPerSender),
        }));
        const inflated = capped.map((v) => ({
          ...v,
          hearts: v.hearts === C.heartCapPerViewer ? v.hearts + more : v.hearts,
          giftCoins: v.giftCoins === C.giftCoinCapPerSender ? v.giftCoins + more : v.giftCoins,
        }));
        expect(engagementRate(inflated, C)).toBe(engagementRate(capped, C));
      }),
    );
  });

  it('one whale giving 1,000,000 coins does not beat 30 viewers commenting, hearting and gifting small', () => {
    const whaleRoom = [
      { watchMs: WINDOW, comments: 0, shares: 0, hearts: 0, giftCoins: 1_000_000 },
      ...Array.from({ length: 29 }, () => passive()),
    ];
    const lively = Array.from({ length: 30 }, () => ({
      watchMs: WINDOW,
      comments: 1,
      shares: 0,
      hearts: 10,
      giftCoins: 5,
    }));
    expect(engagementRate(lively, C)).toBeGreaterThan(engagementRate(whaleRoom, C));
    // The whale counts exactly as much as a sender who stopped at the cap.
    const atCap = [{ ...whaleRoom[0]!, giftCoins: C.giftCoinCapPerSender }, ...whaleRoom.slice(1)];
    expect(engagementRate(whaleRoom, C)).toBe(engagementRate(atCap, C));
  });
});

describe('consistency score', () => {
  const arbFacts = fc
    .record({ liveDays28: fc.nat(28), eventsScheduled: fc.nat(20), eventsKept: fc.nat(20) })
    .map((x) => ({ ...x, eventsKept: Math.min(x.eventsKept, x.eventsScheduled) }));

  it('stays in [0, 1] and rises with LIVE days and with events kept', () => {
    fc.assert(
      fc.property(arbFacts, fc.nat(5), (x, more) => {
        const s = consistencyScore(x);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(consistencyScore({ ...x, liveDays28: x.liveDays28 + more })).toBeGreaterThanOrEqual(s);
        const kept = Math.min(x.eventsKept + more, x.eventsScheduled);
        expect(consistencyScore({ ...x, eventsKept: kept })).toBeGreaterThanOrEqual(s);
      }),
    );
  });

  it('weighs LIVE days 0.7 and kept events 0.3, and does not punish creators who schedule nothing', () => {
    expect(consistencyScore({ liveDays28: 10, eventsScheduled: 4, eventsKept: 1 })).toBeCloseTo(
      0.7 * 0.5 + 0.3 * 0.25,
      12,
    );
    expect(consistencyScore({ liveDays28: 10, eventsScheduled: 0, eventsKept: 0 })).toBeCloseTo(0.5, 12);
    expect(consistencyScore({ liveDays28: 28, eventsScheduled: 3, eventsKept: 3 })).toBe(1);
    expect(consistencyScore({ liveDays28: 0, eventsScheduled: 3, eventsKept: 0 })).toBe(0);
  });
});
