import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bonusDiamonds } from './bonus.ts';
import { LEAGUE_TIERS } from './leagues.ts';
import { perLiveBonusRate, weekLiveProgress, weeklyBonusRate } from './missions.ts';
import { periodAt } from './periods.ts';
import { DEFAULT_REWARD_TABLE, percentToBps, type RewardTable, validateRewardTable } from './reward-table.ts';

const MIN = 60_000;
const T = DEFAULT_REWARD_TABLE;
const CAP = percentToBps(T.capPercent);
const arbLive = fc.record({
  durationMs: fc.integer({ min: 0, max: 10 * 3_600_000 }),
  newFollowers: fc.integer({ min: 0, max: 1_000 }),
});
const arbTier = fc.constantFrom(...LEAGUE_TIERS);
const arbWeek = fc.record({
  liveDays: fc.integer({ min: 0, max: 7 }),
  longestLiveMs: fc.integer({ min: 0, max: 10 * 3_600_000 }),
  activeFans: fc.integer({ min: 0, max: 10_000 }),
  league: fc.option(fc.record({ current: arbTier, bestBefore: arbTier }), { nil: null }),
});

describe('per-LIVE missions', () => {
  it('follows the default duration ladder and the followers step', () => {
    const pct = (minutes: number, followers = 0) =>
      perLiveBonusRate({ durationMs: minutes * MIN, newFollowers: followers }, T).bps / 100;
    expect([0, 4.99, 5, 9, 10, 14, 15, 24.99, 25, 240].map((m) => pct(m))).toEqual([
      20, 20, 26, 26, 30, 30, 34, 34, 38, 38,
    ]);
    expect(pct(31, 4)).toBe(38);
    expect(pct(31, 5)).toBe(40);
  });

  it('explains a payout item by item', () => {
    const rate = perLiveBonusRate({ durationMs: 31 * MIN + 20_000, newFollowers: 7 }, T);
    expect(bonusDiamonds(1_240, rate).explanation).toBe(
      '38% for 31 min LIVE + 2% for 7 new followers on 1,240 diamonds = 496 diamonds',
    );
    expect(bonusDiamonds(1, perLiveBonusRate({ durationMs: 0, newFollowers: 0 }, T)).explanation).toBe(
      '20% for 0 min LIVE on 1 diamond = 0 diamonds',
    );
  });

  it('never exceeds the cap, and more duration or more followers never lowers the rate', () => {
    fc.assert(
      fc.property(arbLive, fc.nat(3 * 3_600_000), fc.nat(100), (live, moreMs, moreFollowers) => {
        const r = perLiveBonusRate(live, T);
        expect(r.bps).toBeLessThanOrEqual(CAP);
        expect(r.bps).toBeLessThanOrEqual(4_000);
        expect(r.bps).toBe(r.items.reduce((s, i) => s + i.bps, 0));
        const longer = perLiveBonusRate({ ...live, durationMs: live.durationMs + moreMs }, T);
        const followed = perLiveBonusRate({ ...live, newFollowers: live.newFollowers + moreFollowers }, T);
        expect(longer.bps).toBeGreaterThanOrEqual(r.bps);
        expect(followed.bps).toBeGreaterThanOrEqual(r.bps);
      }),
    );
  });
});

describe('weekly missions', () => {
  it('adds up to 13% at most, item by item', () => {
    const rate = weeklyBonusRate(
      { liveDays: 5, longestLiveMs: 31 * MIN, activeFans: 52, league: { current: 'B2', bestBefore: 'B3' } },
      T,
    );
    expect(rate.bps).toBe(1_300);
    expect(bonusDiamonds(10_000, rate).explanation).toBe(
      '5% for 5 LIVE days + 2% for a 31 min LIVE + 4% for 52 active fan club members + 2% for reaching a new highest league (B2) on 10,000 diamonds = 1,300 diamonds',
    );
    expect(weeklyBonusRate({ liveDays: 2, longestLiveMs: 24 * MIN, activeFans: 9, league: null }, T)).toEqual(
      {
        bps: 0,
        items: [],
        capped: false,
      },
    );
  });

  it('together with any LIVE never passes the cap, and more of anything never pays less', () => {
    fc.assert(
      fc.property(arbLive, arbWeek, fc.nat(3), fc.nat(100), (live, week, moreDays, moreFans) => {
        const weekly = weeklyBonusRate(week, T);
        expect(weekly.bps).toBeLessThanOrEqual(1_300);
        expect(perLiveBonusRate(live, T).bps + weekly.bps).toBeLessThanOrEqual(CAP);
        const more = weeklyBonusRate(
          { ...week, liveDays: week.liveDays + moreDays, activeFans: week.activeFans + moreFans },
          T,
        );
        expect(more.bps).toBeGreaterThanOrEqual(weekly.bps);
      }),
    );
  });

  it('counts LIVE days by local start day and only LIVEs long enough to be valid', () => {
    const zone = 'America/New_York';
    const week = periodAt(Date.parse('2026-03-10T12:00Z'), { kind: 'weekly' }, zone);
    const at = (s: string) => Date.parse(s);
    const lives = [
      // Monday 23:50 local, 40 minutes past midnight: one day, Monday.
      { startedAt: at('2026-03-10T03:50Z'), endedAt: at('2026-03-10T04:30Z') },
      { startedAt: at('2026-03-10T15:00Z'), endedAt: at('2026-03-10T15:09Z') },
      { startedAt: at('2026-03-11T15:00Z'), endedAt: at('2026-03-11T15:10Z') },
      { startedAt: at('2026-03-11T18:00Z'), endedAt: at('2026-03-11T18:30Z') },
      // The Sunday before, outside the week.
      { startedAt: at('2026-03-09T03:00Z'), endedAt: at('2026-03-09T06:00Z') },
    ];
    expect(weekLiveProgress(lives, week, zone, T)).toEqual({ liveDays: 2, longestLiveMs: 40 * MIN });
  });
});

describe('the bonus in diamonds', () => {
  it('rounds down, is never negative, is monotone in diamonds and never exceeds cap × diamonds', () => {
    fc.assert(
      fc.property(
        arbLive,
        fc.integer({ min: -1_000, max: Number.MAX_SAFE_INTEGER }),
        fc.nat(1_000_000),
        (live, diamonds, more) => {
          const rate = perLiveBonusRate(live, T);
          const b = bonusDiamonds(diamonds, rate);
          expect(Number.isSafeInteger(b.diamonds)).toBe(true);
          expect(b.diamonds).toBeGreaterThanOrEqual(0);
          const base = BigInt(Math.max(0, diamonds));
          expect(BigInt(b.diamonds) * 10_000n).toBeLessThanOrEqual(base * BigInt(CAP));
          expect(BigInt(b.diamonds)).toBe((base * BigInt(rate.bps)) / 10_000n);
          if (diamonds + more <= Number.MAX_SAFE_INTEGER)
            expect(bonusDiamonds(diamonds + more, rate).diamonds).toBeGreaterThanOrEqual(b.diamonds);
        },
      ),
    );
    const overCap = structuredClone(T);
    overCap.perLive.newFollowers = [{ min: 5, percent: 20 }];
    const capped = perLiveBonusRate(
      { durationMs: 30 * MIN, newFollowers: 5 },
      { ...overCap, capPercent: 53 },
    );
    expect(capped).toMatchObject({ bps: 5_300, capped: true });
    expect(bonusDiamonds(100, capped).explanation).toBe(
      '38% for 30 min LIVE + 20% for 5 new followers (capped at 53%) on 100 diamonds = 53 diamonds',
    );
    expect(() => bonusDiamonds(1.5, perLiveBonusRate({ durationMs: 0, newFollowers: 0 }, T))).toThrow(
      RangeError,
    );
  });
});

describe('validateRewardTable', () => {
  const clone = (): RewardTable => structuredClone(T);

  it('accepts the defaults, whose best case is exactly the 53% cap', () => {
    expect(validateRewardTable(T)).toEqual([]);
  });

  it('refuses a table that could pay over the cap, saying by how much', () => {
    const t = clone();
    t.weekly.leaguePercent = 4;
    expect(validateRewardTable(t)).toEqual([
      'the table can pay up to 55% (per-LIVE 40% + weekly 15%), over the 53% cap',
    ]);
  });

  it('refuses negative, unsorted, falling and over-fine steps', () => {
    const t = clone();
    t.perLive.duration = [
      { min: 0, percent: 20 },
      { min: 10, percent: 30 },
      { min: 5, percent: 26 },
    ];
    t.perLive.newFollowers = [{ min: 5, percent: -2 }];
    t.weekly.longLivePercent = 1.234;
    const problems = validateRewardTable(t);
    expect(problems).toContain(
      'perLive.duration[2].min must be above perLive.duration[1].min: steps must be sorted, rising',
    );
    expect(problems).toContain(
      'perLive.duration[2].percent must not be below perLive.duration[1].percent: more must never pay less',
    );
    expect(problems).toContain(
      'perLive.newFollowers[0].percent must be a percentage from 0 to 100 in hundredths at most (got -2)',
    );
    expect(problems.some((p) => p.startsWith('weekly.longLivePercent'))).toBe(true);
  });

  it('for any table it accepts, no input pays more than its cap', () => {
    const arbSteps = fc.uniqueArray(fc.nat(60), { maxLength: 4 }).chain((mins) =>
      fc
        .array(fc.integer({ min: 0, max: 2_000 }), { minLength: mins.length, maxLength: mins.length })
        .map((ps) => {
          const sortedMins = [...mins].sort((a, b) => a - b);
          const sortedPs = [...ps].sort((a, b) => a - b);
          return sortedMins.map((min, i) => ({ min, percent: sortedPs[i]! / 100 }));
        }),
    );
    const arbTable = fc.record({
      perLive: fc.record({ duration: arbSteps, newFollowers: arbSteps }),
      weekly: fc.record({
        validLiveMinutes: fc.nat(30),
        liveDays: arbSteps,
        longLiveMinutes: fc.nat(60),
        longLivePercent: fc.nat(1_000).map((n) => n / 100),
        activeFans: arbSteps,
        leaguePercent: fc.nat(1_000).map((n) => n / 100),
      }),
      capPercent: fc.integer({ min: 0, max: 100 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(arbTable, arbLive, arbWeek, (table, live, week) => {
        const valid = validateRewardTable(table).length === 0;
        const total = perLiveBonusRate(live, table).bps + weeklyBonusRate(week, table).bps;
        if (valid) {
          accepted++;
          expect(total).toBeLessThanOrEqual(percentToBps(table.capPercent));
        }
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
