import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables (camelCase here, snake_case in SQL via CamelCasePlugin). */
export interface Database {
  users: UsersTable;
  authTokens: AuthTokensTable;
  rooms: RoomsTable;
  liveSessions: LiveSessionsTable;
  follows: FollowsTable;
  notifications: NotificationsTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface UsersTable {
  id: Generated<string>;
  handle: string;
  displayName: string;
  bio: Generated<string>;
  avatarUrl: string | null;
  role: 'viewer' | 'creator' | 'admin';
  passwordHash: string;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export interface AuthTokensTable {
  id: Generated<string>;
  userId: string;
  kind: 'session' | 'api';
  name: string;
  tokenHash: string;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}
export type AuthTokenRow = Selectable<AuthTokensTable>;

export interface RoomsTable {
  creatorId: string;
  title: Generated<string>;
  topic: Generated<string>;
  hashtags: Generated<string[]>;
  streamKey: string;
  state: Generated<'offline' | 'live'>;
  currentSessionId: string | null;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type RoomRow = Selectable<RoomsTable>;

export type SessionStatus = 'connecting' | 'live' | 'ended';
export interface LiveSessionsTable {
  id: Generated<string>;
  creatorId: string;
  status: SessionStatus;
  title: string;
  topic: string;
  hashtags: string[];
  source: 'rtmp' | 'browser';
  ingestNode: string;
  clientIp: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  startedAt: CreatedAt;
  liveAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  thumbnailAt: Date | null;
  summary: ColumnType<SessionSummary | null, string | null, string | null>;
}
export type LiveSessionRow = Selectable<LiveSessionsTable>;

export interface SessionSummary {
  durationS: number;
  liveDurationS: number;
  endReason: string;
}

export interface FollowsTable {
  followerId: string;
  creatorId: string;
  notify: Generated<boolean>;
  createdAt: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  kind: 'live_started';
  actorId: string | null;
  sessionId: string | null;
  createdAt: CreatedAt;
  readAt: Date | null;
}
export type NotificationRow = Selectable<NotificationsTable>;
