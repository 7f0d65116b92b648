import {
  type ApiToken,
  AuthResult,
  CommentPage,
  CreatedToken,
  Feed,
  FollowingList,
  FollowState,
  type LoginBody,
  Me,
  ModerationSettings,
  MyRoom,
  NotificationList,
  Ok as OkSchema,
  PublicUser,
  type Role,
  Room,
  SessionState,
  ShareLink,
  type SignupBody,
  TokenList,
  type UpdateProfileBody,
  type UpdateRoomBody,
  UserList,
} from '@onair/protocol';
import { z } from 'zod';
import { EventsApi } from './events-api.ts';
import { queryString } from './http-client.ts';

export { newIdempotencyKey, type OnAirClientOptions } from './http-client.ts';

/**
 * Typed client for the OnAir HTTP API. Every response is checked against the same zod schema the
 * server answers with, so a server/client mismatch fails loudly here rather than deep in a UI.
 */
export class OnAirClient extends EventsApi {
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

  /** The signed-in user, or null when signed out (no error either way). */
  async session(): Promise<Me | null> {
    return (await this.request('GET', '/auth/session', SessionState)).user;
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

  /** For You (ranked; pass the last page's `nextCursor` for the next) or Following; `topic` for a category. */
  feed(
    tab: 'foryou' | 'following' = 'foryou',
    limit = 30,
    opts: { cursor?: string | undefined; topic?: string | undefined } = {},
  ) {
    return this.request('GET', `/feed${queryString({ tab, limit, ...opts })}`, Feed);
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
}
