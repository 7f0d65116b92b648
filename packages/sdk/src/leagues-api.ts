import { Leaderboard, type LeaderboardWindowName, LeagueView } from '@onair/protocol';
import { queryString } from './http-client.ts';
import { SearchApi } from './search-api.ts';

/** Leagues (a creator's tier, group standings, history) and a room's top gifters. */
export class LeaguesApi extends SearchApi {
  /** Your league: tier, your group's standings now, past periods. */
  myLeague() {
    return this.request('GET', '/leagues/me', LeagueView);
  }

  /** Any creator's league page. */
  league(handle: string) {
    return this.request('GET', `/leagues/${encodeURIComponent(handle)}`, LeagueView);
  }

  /** A room's top gifters today, this week (Monday first) or of all time, in the league's zone. */
  leaderboard(handle: string, window: LeaderboardWindowName = 'daily') {
    return this.request(
      'GET',
      `/rooms/${encodeURIComponent(handle)}/leaderboard${queryString({ window })}`,
      Leaderboard,
    );
  }
}
