import {
  AdminCoinPackage,
  AdminCoinPackageList,
  AdminGift,
  AdminGiftCatalog,
  API_PREFIX,
  type ApiToken,
  type AssetName,
  AuthResult,
  Battle,
  BattleHistory,
  type BattleInviteBody,
  type BattleMatchBody,
  BattleMatchResult,
  BattleOrNull,
  CoinPackageList,
  CommentPage,
  type ConfirmPurchaseBody,
  type CreateCoinPackageBody,
  CreatedToken,
  type CreateGiftBody,
  Earnings,
  ErrorBody,
  Feed,
  FollowingList,
  FollowState,
  GiftCatalog,
  GiftReceipt,
  LedgerCheck,
  type LoginBody,
  Me,
  ModerationSettings,
  MyRoom,
  NotificationList,
  Ok as OkSchema,
  PublicUser,
  Purchase,
  type Role,
  Room,
  ShareLink,
  type SignupBody,
  Statement,
  StudioAudience,
  type StudioDataset,
  StudioHeatmap,
  StudioInsights,
  StudioLive,
  StudioSessionDetail,
  StudioSessionList,
  StudioTrends,
  TokenList,
  TopGifters,
  type UpdateCoinPackageBody,
  type UpdateGiftBody,
  type UpdateProfileBody,
  type UpdateRoomBody,
  UserList,
  Wallet,
  Withdrawal,
  WithdrawalList,
} from '@onair/protocol';
import { z } from 'zod';
import { OnAirError } from './errors.ts';

/** A fresh idempotency key for a money request (keep it to retry the same request safely). */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return params.size ? `?${params}` : '';
}

export interface OnAirClientOptions {
  /** Server origin, e.g. http://localhost:8080; '' for same-origin use in the browser. */
  baseUrl?: string;
  /** Bearer token (API token or session token); browsers use the session cookie instead. */
  token?: string;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Typed client for the OnAir HTTP API. Every response is checked against the same zod schema the
 * server answers with, so a server/client mismatch fails loudly here rather than deep in a UI.
 */
export class OnAirClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  token: string | undefined;

  constructor(options: OnAirClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.token = options.token;
  }

  async request<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${API_PREFIX}${path}`, {
        method,
        headers,
        credentials: 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new OnAirError('network', 0, `Could not reach the server: ${(err as Error).message}`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success) {
        const { code, message, data } = parsed.data.error;
        throw new OnAirError(code, res.status, message, data, parsed.data.requestId);
      }
      throw new OnAirError('protocol', res.status, `Unexpected ${res.status} response`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new OnAirError(
        'protocol',
        res.status,
        `Response did not match the protocol: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  /** Signs up; with `bearer: true` keeps the returned token for later calls (SDK and bots). */
  async signup(body: SignupBody, opts: { bearer?: boolean } = {}) {
    const result = await this.request(
      'POST',
      `/auth/signup${opts.bearer ? '?token=true' : ''}`,
      AuthResult,
      body,
    );
    if (opts.bearer) this.token = result.token;
    return result.user;
  }

  async login(body: LoginBody, opts: { bearer?: boolean } = {}) {
    const result = await this.request(
      'POST',
      `/auth/login${opts.bearer ? '?token=true' : ''}`,
      AuthResult,
      body,
    );
    if (opts.bearer) this.token = result.token;
    return result.user;
  }

  async logout(): Promise<void> {
    await this.request('POST', '/auth/logout', OkSchema);
    this.token = undefined;
  }

  me() {
    return this.request('GET', '/me', Me);
  }

  updateProfile(body: UpdateProfileBody) {
    return this.request('PATCH', '/me', Me, body);
  }

  becomeCreator() {
    return this.request('POST', '/me/creator', Me);
  }

  user(handle: string) {
    return this.request('GET', `/users/${encodeURIComponent(handle)}`, PublicUser);
  }

  createToken(name: string) {
    return this.request('POST', '/me/tokens', CreatedToken, { name });
  }

  async tokens(): Promise<ApiToken[]> {
    return (await this.request('GET', '/me/tokens', TokenList)).tokens;
  }

  async revokeToken(id: string): Promise<void> {
    await this.request('DELETE', `/me/tokens/${encodeURIComponent(id)}`, OkSchema);
  }

  listUsers(query: { q?: string; limit?: number; cursor?: string } = {}) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size ? `?${params}` : '';
    return this.request('GET', `/admin/users${qs}`, UserList);
  }

  setRole(userId: string, role: Role) {
    return this.request('PUT', `/admin/users/${encodeURIComponent(userId)}/role`, PublicUser, { role });
  }

  /** Your room with its OBS settings (creators only). */
  myRoom() {
    return this.request('GET', '/me/room', MyRoom);
  }

  updateRoom(body: UpdateRoomBody) {
    return this.request('PATCH', '/me/room', MyRoom, body);
  }

  regenerateStreamKey() {
    return this.request('POST', '/me/room/stream-key', MyRoom);
  }

  room(handle: string) {
    return this.request('GET', `/rooms/${encodeURIComponent(handle)}`, Room);
  }

  feed(tab: 'foryou' | 'following' = 'foryou', limit = 30) {
    return this.request('GET', `/feed?tab=${tab}&limit=${limit}`, Feed);
  }

  followState(handle: string) {
    return this.request('GET', `/users/${encodeURIComponent(handle)}/follow`, FollowState);
  }

  follow(handle: string) {
    return this.request('PUT', `/users/${encodeURIComponent(handle)}/follow`, FollowState);
  }

  unfollow(handle: string) {
    return this.request('DELETE', `/users/${encodeURIComponent(handle)}/follow`, FollowState);
  }

  setLiveAlerts(handle: string, notify: boolean) {
    return this.request('PUT', `/users/${encodeURIComponent(handle)}/follow/notify`, FollowState, { notify });
  }

  following() {
    return this.request('GET', '/me/following', FollowingList);
  }

  notifications(query: { limit?: number; cursor?: string } = {}) {
    const params = new URLSearchParams();
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request('GET', `/me/notifications${params.size ? `?${params}` : ''}`, NotificationList);
  }

  markNotificationsRead(ids?: string[]) {
    return this.request(
      'POST',
      '/me/notifications/read',
      z.object({ unread: z.number() }),
      ids ? { ids } : {},
    );
  }

  /** A LIVE session's chat history, newest first; `before` pages back by seq. */
  comments(sessionId: string, query: { before?: number; limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.before) params.set('before', String(query.before));
    if (query.limit) params.set('limit', String(query.limit));
    return this.request(
      'GET',
      `/sessions/${sessionId}/comments${params.size ? `?${params}` : ''}`,
      CommentPage,
    );
  }

  async pinComment(sessionId: string, commentId: string | null): Promise<void> {
    await this.request('PUT', `/sessions/${sessionId}/pin`, OkSchema, { commentId });
  }

  async moderate(
    sessionId: string,
    handle: string,
    action: 'mute' | 'unmute' | 'ban' | 'unban',
    minutes?: number,
  ): Promise<void> {
    await this.request('POST', `/sessions/${sessionId}/moderation`, OkSchema, {
      action,
      handle,
      ...(action === 'mute' ? { minutes: minutes ?? 5 } : {}),
    });
  }

  async deleteComment(commentId: string): Promise<void> {
    await this.request('DELETE', `/comments/${commentId}`, OkSchema);
  }

  async reportComment(commentId: string, reason: string): Promise<void> {
    await this.request('POST', `/comments/${commentId}/report`, OkSchema, { reason });
  }

  chatSettings() {
    return this.request('GET', '/me/chat-settings', ModerationSettings);
  }

  updateChatSettings(body: { bannedWords?: string[]; slowModeS?: number }) {
    return this.request('PATCH', '/me/chat-settings', ModerationSettings, body);
  }

  setModerator(handle: string, appoint: boolean) {
    return this.request(
      appoint ? 'PUT' : 'DELETE',
      `/me/moderators/${encodeURIComponent(handle)}`,
      ModerationSettings,
    );
  }

  block(handle: string, blocked: boolean) {
    return this.request(
      blocked ? 'PUT' : 'DELETE',
      `/users/${encodeURIComponent(handle)}/block`,
      z.object({ blocked: z.boolean() }),
    );
  }

  /** Your personal share link to a creator's LIVE: visits and follows through it are credited to you. */
  share(handle: string) {
    return this.request('POST', `/users/${encodeURIComponent(handle)}/share`, ShareLink);
  }

  shareVisit(code: string) {
    return this.request(
      'POST',
      `/share/${encodeURIComponent(code)}/visit`,
      z.object({ counted: z.boolean() }),
    );
  }

  /** Follow, crediting the share link that brought you here. */
  followVia(handle: string, ref: string) {
    return this.request(
      'PUT',
      `/users/${encodeURIComponent(handle)}/follow?ref=${encodeURIComponent(ref)}`,
      FollowState,
    );
  }

  // Economy: wallet, coins, gifts, earnings. Money requests take an idempotency key (one is made up
  // when omitted): retrying with the same key is safe and never charges twice.

  wallet() {
    return this.request('GET', '/wallet', Wallet);
  }

  statement(query: { asset?: AssetName; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/wallet/statement${queryString(query)}`, Statement);
  }

  coinPackages() {
    return this.request('GET', '/coin-packages', CoinPackageList);
  }

  /** Starts a purchase; with the sandbox, follow with confirmPurchase(); with Stripe, open checkoutUrl. */
  buyCoins(packageId: string, idempotencyKey: string = newIdempotencyKey()) {
    return this.request('POST', '/wallet/purchases', Purchase, { packageId, idempotencyKey });
  }

  purchase(id: string) {
    return this.request('GET', `/wallet/purchases/${encodeURIComponent(id)}`, Purchase);
  }

  confirmPurchase(id: string, body: ConfirmPurchaseBody = {}) {
    return this.request('POST', `/wallet/purchases/${encodeURIComponent(id)}/confirm`, Purchase, body);
  }

  async giftCatalog() {
    return (await this.request('GET', '/gifts', GiftCatalog)).gifts;
  }

  sendGift(
    creatorHandle: string,
    body: { giftId: string; quantity?: number; comboId?: string; idempotencyKey?: string },
  ) {
    return this.request('POST', `/rooms/${encodeURIComponent(creatorHandle)}/gifts`, GiftReceipt, {
      ...body,
      idempotencyKey: body.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  topGifters(creatorHandle: string) {
    return this.request('GET', `/rooms/${encodeURIComponent(creatorHandle)}/top-gifters`, TopGifters);
  }

  earnings() {
    return this.request('GET', '/me/earnings', Earnings);
  }

  withdrawals(query: { status?: string; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/me/withdrawals${queryString(query)}`, WithdrawalList);
  }

  requestWithdrawal(diamonds: number, idempotencyKey: string = newIdempotencyKey()) {
    return this.request('POST', '/me/withdrawals', Withdrawal, { diamonds, idempotencyKey });
  }

  adminWithdrawals(query: { status?: string; limit?: number; cursor?: string } = {}) {
    return this.request('GET', `/admin/withdrawals${queryString(query)}`, WithdrawalList);
  }

  approveWithdrawal(id: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/approve`, Withdrawal);
  }

  rejectWithdrawal(id: string, reason?: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/reject`, Withdrawal, {
      ...(reason ? { reason } : {}),
    });
  }

  payoutWithdrawal(id: string) {
    return this.request('POST', `/admin/withdrawals/${encodeURIComponent(id)}/payout`, Withdrawal);
  }

  async adminGifts() {
    return (await this.request('GET', '/admin/gifts', AdminGiftCatalog)).gifts;
  }

  createGift(body: CreateGiftBody) {
    return this.request('POST', '/admin/gifts', AdminGift, body);
  }

  updateGift(id: string, body: UpdateGiftBody) {
    return this.request('PATCH', `/admin/gifts/${encodeURIComponent(id)}`, AdminGift, body);
  }

  async adminCoinPackages() {
    return (await this.request('GET', '/admin/coin-packages', AdminCoinPackageList)).packages;
  }

  createCoinPackage(body: CreateCoinPackageBody) {
    return this.request('POST', '/admin/coin-packages', AdminCoinPackage, body);
  }

  updateCoinPackage(id: string, body: UpdateCoinPackageBody) {
    return this.request('PATCH', `/admin/coin-packages/${encodeURIComponent(id)}`, AdminCoinPackage, body);
  }

  refundPurchase(id: string) {
    return this.request('POST', `/admin/purchases/${encodeURIComponent(id)}/refund`, Purchase);
  }

  checkLedger() {
    return this.request('GET', '/admin/ledger/check', LedgerCheck);
  }

  // Creator studio: your sessions' figures, trends, audience, best times, coaching and live counters.

  studioSessions(query: { limit?: number; before?: string } = {}) {
    return this.request('GET', `/studio/sessions${queryString(query)}`, StudioSessionList);
  }

  studioSession(id: string) {
    return this.request('GET', `/studio/sessions/${encodeURIComponent(id)}`, StudioSessionDetail);
  }

  studioTrends(query: { from: string; to: string; bucket?: 'day' | 'week' | 'month'; tzOffsetMin?: number }) {
    return this.request('GET', `/studio/trends${queryString(query)}`, StudioTrends);
  }

  studioAudience() {
    return this.request('GET', '/studio/audience', StudioAudience);
  }

  studioHeatmap(query: { tzOffsetMin?: number; days?: number } = {}) {
    return this.request('GET', `/studio/heatmap${queryString(query)}`, StudioHeatmap);
  }

  studioInsights(query: { tzOffsetMin?: number } = {}) {
    return this.request('GET', `/studio/insights${queryString(query)}`, StudioInsights);
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
    tzOffsetMin?: number;
    columns?: string;
  }): string {
    return `${API_PREFIX}/studio/export${queryString(query)}`;
  }

  /** A studio table as CSV text. */
  async studioExport(query: Parameters<OnAirClient['studioExportPath']>[0]): Promise<string> {
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

  /** Absolute URL of a media path the API returned (flvUrl, hlsUrl, thumbnailUrl are server-relative). */
  mediaUrl(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** ws(s):// URL of the realtime gateway for this server. */
  realtimeUrl(): string {
    const { location } = globalThis as { location?: { origin: string } };
    const base = this.baseUrl || (location?.origin ?? '');
    return `${base.replace(/^http/, 'ws')}${API_PREFIX}/ws`;
  }
}
