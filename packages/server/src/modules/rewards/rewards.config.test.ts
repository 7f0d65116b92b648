import { DEFAULT_REWARD_TABLE } from '@onair/core';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { rewardsConfig } from './rewards.config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('LIVE Rewards configuration', () => {
  it('defaults to UTC and the default table', () => {
    expect(rewardsConfig(loadConfig({}))).toMatchObject({
      zone: 'UTC',
      table: DEFAULT_REWARD_TABLE,
      weeklyBatch: 5000,
    });
  });

  it('takes a table that stays within its cap', () => {
    const table = structuredClone(DEFAULT_REWARD_TABLE);
    table.perLive.duration.at(-1)!.percent = 36;
    table.weekly.leaguePercent = 4;
    const c = rewardsConfig(
      loadConfig({ REWARDS_TABLE: JSON.stringify(table), REWARDS_TIME_ZONE: 'Europe/Paris' }),
    );
    expect(c.table.weekly.leaguePercent).toBe(4);
    expect(c.zone).toBe('Europe/Paris');
  });

  it('refuses at boot a table that could pay over the cap, naming the figures', () => {
    const table = structuredClone(DEFAULT_REWARD_TABLE);
    table.weekly.leaguePercent = 5;
    const [problem, ...rest] = problemsOf({ REWARDS_TABLE: JSON.stringify(table) });
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^REWARDS_TABLE=.*the table can pay up to 56% \(per-LIVE 40% \+ weekly 16%\), over the 53% cap$/,
    );
  });

  it('refuses a table that is not JSON, pays less for more, or a zone that is not one', () => {
    expect(problemsOf({ REWARDS_TABLE: '{oops' })[0]).toMatch(/must be JSON/);
    const table = structuredClone(DEFAULT_REWARD_TABLE);
    table.perLive.duration[2]!.percent = 10;
    expect(problemsOf({ REWARDS_TABLE: JSON.stringify(table) })[0]).toMatch(/more must never pay less/);
    expect(problemsOf({ REWARDS_TIME_ZONE: 'Mars/Olympus' })[0]).toMatch(
      /^REWARDS_TIME_ZONE=.*IANA time zone/,
    );
  });
});
