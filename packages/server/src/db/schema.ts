import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables (camelCase here, snake_case in SQL via CamelCasePlugin). */
export interface Database {
  users: UsersTable;
  authTokens: AuthTokensTable;
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
