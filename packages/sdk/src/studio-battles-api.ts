import {
  API_PREFIX,
  Battle,
  BattleHistory,
  type BattleInviteBody,
  type BattleMatchBody,
  BattleMatchResult,
  BattleOrNull,
  ErrorBody,
  StudioAudience,
  StudioConsistency,
  type StudioDataset,
  StudioHeatmap,
  StudioInsights,
  StudioLive,
  StudioRanking,
  StudioRewards,
  StudioSessionDetail,
  StudioSessionList,
  StudioTrends,
} from '@onair/protocol';
import { z } from 'zod';
import { EconomyApi } from './economy-api.ts';
import { OnAirError } from './errors.ts';
import { queryString } from './http-client.ts';

/** The creator studio's figures and LIVE battles. */
export class StudioBattlesApi extends EconomyApi {
  // Creator studio: your sessions' figures, trends, audience, best times, coaching and live counters.

  studioSessions(query: { limit?: number; before?: string } = {}) {
    return this.request('GET', `/studio/sessions${queryString(query)}`, StudioSessionList);
  }

  studioSession(id: string) {
    return this.request('GET', `/studio/sessions/${encodeURIComponent(id)}`, StudioSessionDetail);
  }

  /** Buckets follow `tz` (IANA, DST included); `tzOffsetMin` is the older, fixed-offset form. */
  studioTrends(query: {
    from: string;
    to: string;
    bucket?: 'day' | 'week' | 'month';
    tz?: string;
    tzOffsetMin?: number;
  }) {
    return this.request('GET', `/studio/trends${queryString(query)}`, StudioTrends);
  }

  studioAudience() {
    return this.request('GET', '/studio/audience', StudioAudience);
  }

  /** `tz` (IANA, e.g. the browser's zone) places each hour by its own offset; `tzOffsetMin` is the older, fixed-offset form. */
  studioHeatmap(query: { tz?: string; tzOffsetMin?: number; days?: number } = {}) {
    return this.request('GET', `/studio/heatmap${queryString(query)}`, StudioHeatmap);
  }

  /** Weekly streak, LIVE days, scheduled events kept and the best hour, in `tz`. */
  studioConsistency(query: { tz?: string } = {}) {
    return this.request('GET', `/studio/consistency${queryString(query)}`, StudioConsistency);
  }

  /** Weekly slots are read in `tz` (IANA); `tzOffsetMin` is the older, fixed-offset form. */
  studioInsights(query: { tz?: string; tzOffsetMin?: number } = {}) {
    return this.request('GET', `/studio/insights${queryString(query)}`, StudioInsights);
  }

  /** Why am I ranked here: your place in For You, signal by signal, and what would lift it. */
  studioRanking() {
    return this.request('GET', '/studio/ranking', StudioRanking);
  }

  /** LIVE Rewards: this week's missions with your progress, and every bonus paid, explained. */
  studioRewards() {
    return this.request('GET', '/studio/rewards', StudioRewards);
  }

  studioLive() {
    return this.request('GET', '/studio/live', StudioLive);
  }

  /** Path (under the API prefix) of a CSV export; a browser can link to it, with the session cookie. */
  studioExportPath(query: {
    dataset: StudioDataset;
    sessionId?: string;
    from?: string;
    to?: string;
    bucket?: 'day' | 'week' | 'month';
    tz?: string;
    tzOffsetMin?: number;
    columns?: string;
  }): string {
    return `${API_PREFIX}/studio/export${queryString(query)}`;
  }

  /** A studio table as CSV text. */
  async studioExport(query: Parameters<StudioBattlesApi['studioExportPath']>[0]): Promise<string> {
    const headers: Record<string, string> = { accept: 'text/csv' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchImpl(`${this.baseUrl}${this.studioExportPath(query)}`, {
      headers,
      credentials: 'include',
    }).catch((err: Error) => {
      throw new OnAirError('network', 0, `Could not reach the server: ${err.message}`);
    });
    if (res.ok) return res.text();
    const parsed = ErrorBody.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new OnAirError('protocol', res.status, `Unexpected ${res.status} response`);
    const { code, message, data } = parsed.data.error;
    throw new OnAirError(code, res.status, message, data, parsed.data.requestId);
  }

  /** Invites a LIVE creator to a battle (they have BATTLE_INVITE_TTL_S to accept). */
  inviteToBattle(body: BattleInviteBody) {
    return this.request('POST', '/battles/invites', Battle, body);
  }

  /** Quick match with a waiting creator, or join the queue (`status: 'waiting'`). */
  quickMatch(body: BattleMatchBody = {}) {
    return this.request('POST', '/battles/match', BattleMatchResult, body);
  }

  leaveMatchQueue() {
    return this.request('DELETE', '/battles/match', z.object({ left: z.boolean() }));
  }

  async currentBattle(): Promise<Battle | null> {
    return (await this.request('GET', '/battles/current', BattleOrNull)).battle;
  }

  battle(id: string) {
    return this.request('GET', `/battles/${encodeURIComponent(id)}`, Battle);
  }

  /** The open battle of a LIVE session, as its own audience sees it (a mist hides the other score). */
  async sessionBattle(sessionId: string): Promise<Battle | null> {
    return (await this.request('GET', `/sessions/${encodeURIComponent(sessionId)}/battle`, BattleOrNull))
      .battle;
  }

  acceptBattle(id: string) {
    return this.request('POST', `/battles/${encodeURIComponent(id)}/accept`, Battle);
  }

  declineBattle(id: string) {
    return this.request('POST', `/battles/${encodeURIComponent(id)}/decline`, Battle);
  }

  /** Leaves a battle: a forfeit while it runs, a cancel for your own invite. */
  leaveBattle(id: string) {
    return this.request('POST', `/battles/${encodeURIComponent(id)}/leave`, Battle);
  }

  rematch(id: string) {
    return this.request('POST', `/battles/${encodeURIComponent(id)}/rematch`, Battle);
  }

  battleHistory(handle: string, query: { vs?: string; limit?: number } = {}) {
    return this.request(
      'GET',
      `/users/${encodeURIComponent(handle)}/battles${queryString(query)}`,
      BattleHistory,
    );
  }
}
