import { LEAGUE_TIERS } from '@onair/core';
import { LEAGUE_TIER_NAMES } from '@onair/protocol';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { leaguesConfig } from './leagues.config.ts';

const load = (env: Record<string, string>) => leaguesConfig(loadConfig(env));

describe('league config from the environment', () => {
  it('defaults to monthly periods in UTC, groups of 30, five up and five down, a point a diamond', () => {
    expect(load({})).toEqual({
      zone: 'UTC',
      period: { kind: 'monthly' },
      groups: { groupSize: 30, promote: 5, relegate: 5, minPointsToPromote: 1 },
      points: { perDiamond: 1, perNewFollower: 0, perLiveMinute: 0 },
    });
  });

  it('reads every setting', () => {
    const c = load({
      LEAGUE_PERIOD: 'days:14:2027-01-04',
      LEAGUE_TIME_ZONE: 'europe/london',
      LEAGUE_GROUP_SIZE: '20',
      LEAGUE_PROMOTE: '3',
      LEAGUE_RELEGATE: '2',
      LEAGUE_MIN_POINTS: '10',
      LEAGUE_POINTS: 'perNewFollower=5,perLiveMinute=1',
    });
    expect(c).toEqual({
      zone: 'Europe/London',
      period: { kind: 'days', days: 14, anchor: '2027-01-04' },
      groups: { groupSize: 20, promote: 3, relegate: 2, minPointsToPromote: 10 },
      points: { perDiamond: 1, perNewFollower: 5, perLiveMinute: 1 },
    });
  });

  it('stops the boot naming what is wrong', () => {
    expect(() => load({ LEAGUE_TIME_ZONE: 'Mars/Olympus' })).toThrow(/zone must be an IANA time zone/);
    expect(() => load({ LEAGUE_GROUP_SIZE: '6', LEAGUE_PROMOTE: '4', LEAGUE_RELEGATE: '3' })).toThrow(
      /promote \+ relegate \(7\) must not exceed groupSize \(6\)/,
    );
    expect(() => load({ LEAGUE_PERIOD: 'days:0:2027-01-04' })).toThrow(/period days must be/);
    expect(() => load({ LEAGUE_PERIOD: 'days:7:2027-02-30' })).toThrow(/period anchor/);
    expect(() => load({ LEAGUE_POINTS: 'perDiamond=0' })).toThrow(/points must not all be 0/);
    expect(() => loadConfig({ LEAGUE_PERIOD: 'daily' })).toThrow(ConfigError);
    expect(() => loadConfig({ LEAGUE_POINTS: 'perCoin=1' })).toThrow(/LEAGUE_POINTS/);
  });

  it('names the same tiers in protocol as core', () => {
    expect([...LEAGUE_TIER_NAMES]).toEqual([...LEAGUE_TIERS]);
  });
});
