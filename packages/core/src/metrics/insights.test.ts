import { describe, expect, it } from 'vitest';
import { coachingInsights, type InsightSession } from './insights.ts';

const HOUR = 3_600_000;
const TUESDAY_8PM = Date.UTC(2026, 0, 6, 20);

function session(over: Partial<InsightSession['metrics']> & { at: number; id?: string }): InsightSession {
  const { at, id, ...metrics } = over;
  return {
    id: id ?? String(at),
    startedAt: at,
    metrics: {
      durationS: 3600,
      uniqueViewers: 50,
      totalWatchS: 50 * 600,
      avgWatchS: 600,
      engagementRate: 0.5,
      newFollowers: 5,
      earlyExits: 5,
      coins: 0,
      returningViewers: 20,
      battles: { wins: 0, losses: 0, draws: 0, list: [] },
      ...metrics,
    },
  };
}

/** Healthy sessions on different days and hours: no rule should fire. */
const healthy = [0, 1, 2, 3, 4].map((d) => session({ at: TUESDAY_8PM - d * 25 * HOUR }));

describe('coaching insights', () => {
  it('stay silent for healthy sessions', () => {
    expect(coachingInsights(healthy)).toEqual([]);
  });

  it('early exits: fires at 40% of viewers leaving in 2 minutes, with the figure', () => {
    const [i] = coachingInsights([session({ at: TUESDAY_8PM, earlyExits: 25 }), ...healthy.slice(1)]);
    expect(i).toMatchObject({
      id: 'early-exits',
      metric: { name: 'earlyExitRate', value: 0.5, threshold: 0.4 },
    });
    expect(i?.action).toMatch(/open with a question/i);
  });

  it('best slot: Tuesday 8 pm sessions with 2× the watch time', () => {
    const weekly = [0, 1].map((w) => session({ at: TUESDAY_8PM - w * 7 * 24 * HOUR, avgWatchS: 1200 }));
    const others = [1, 2, 3].map((d) => session({ at: TUESDAY_8PM - d * 25 * HOUR, avgWatchS: 600 }));
    const insights = coachingInsights([...weekly, ...others]);
    const slot = insights.find((i) => i.id === 'best-slot');
    expect(slot?.title).toBe('Your Tuesday 8 pm sessions get 2× watch time');
    expect(slot?.metric.value).toBe(2);
    expect(slot?.action).toMatch(/Schedule/);
    // Seen from UTC+9 the same sessions are on Wednesday at 5 am.
    const tokyo = coachingInsights([...weekly, ...others], { tzOffsetMin: -540 });
    expect(tokyo.find((i) => i.id === 'best-slot')?.title).toContain('Wednesday 5 am');
  });

  it('best slot in an IANA zone: 8 pm New York either side of the spring DST change is one slot', () => {
    // Tuesdays 3 and 10 March 2026 at 20:00 in New York: EST (01:00Z) and then EDT (00:00Z).
    const weekly = ['2026-03-04T01:00:00Z', '2026-03-11T00:00:00Z'].map((iso) =>
      session({ at: Date.parse(iso), avgWatchS: 1200 }),
    );
    const others = [1, 2, 3].map((d) =>
      session({ at: Date.parse('2026-03-04T01:00:00Z') - d * 25 * HOUR, avgWatchS: 600 }),
    );
    const zoned = coachingInsights([...weekly, ...others], {
      timeZone: 'America/New_York',
      tzOffsetMin: 300,
    });
    expect(zoned.find((i) => i.id === 'best-slot')?.title).toBe(
      'Your Tuesday 8 pm sessions get 2× watch time',
    );
    // One fixed offset (EST) puts the second Tuesday at 7 pm: no slot has two sessions.
    const fixed = coachingInsights([...weekly, ...others], { tzOffsetMin: 300 });
    expect(fixed.find((i) => i.id === 'best-slot')).toBeUndefined();
  });

  it('battles: gifts per minute during battles vs the rest, naming the best partner', () => {
    const battle = (opponentId: string, coins: number) => ({
      opponentId,
      startedAt: TUESDAY_8PM,
      endedAt: TUESDAY_8PM + 5 * 60_000,
      result: 1 as const,
      coins,
    });
    // 55 minutes outside battles at 10 coins/min = 550; a 5-minute battle with 150 coins = 30/min: 3×.
    const s1 = session({
      at: TUESDAY_8PM,
      coins: 700,
      battles: { wins: 1, losses: 0, draws: 0, list: [battle('rival', 150)] },
    });
    const s2 = session({
      at: TUESDAY_8PM - 30 * HOUR,
      coins: 600,
      battles: { wins: 1, losses: 0, draws: 0, list: [battle('other', 50)] },
    });
    const names: Record<string, string> = { rival: '@rival', other: '@other' };
    const i = coachingInsights([s1, s2], { opponentName: (id) => names[id] ?? id }).find(
      (x) => x.id === 'battles-raise-gifts',
    );
    // Battles: 200 coins in 10 min = 20/min; rest: 1100 coins in 110 min = 10/min → 2×.
    expect(i?.metric.value).toBe(2);
    expect(i?.title).toBe('Battles raised gifts 2×');
    expect(i?.action).toContain('@rival');
  });

  it('low engagement, few follows, short sessions and few returning viewers', () => {
    const weak = [0, 1, 2].map((d) =>
      session({
        at: TUESDAY_8PM - d * 25 * HOUR,
        durationS: 600,
        engagementRate: 0.05,
        newFollowers: 0,
        returningViewers: 2,
      }),
    );
    const ids = coachingInsights(weak).map((i) => i.id);
    expect(ids).toEqual(['low-engagement', 'few-follows', 'short-sessions', 'few-returning']);
  });

  it('needs enough viewers before judging percentages', () => {
    const tiny = session({ at: TUESDAY_8PM, uniqueViewers: 3, earlyExits: 3, engagementRate: 0 });
    expect(coachingInsights([tiny])).toEqual([]);
  });
});
