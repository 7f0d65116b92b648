import type { ApiToken, PublicUser } from '@onair/protocol';
import type { AuthTokenRow, UserRow } from '../../db/schema.ts';

type UserFields = Pick<UserRow, 'id' | 'handle' | 'displayName' | 'bio' | 'avatarUrl' | 'role' | 'createdAt'>;

/** Never spreads the row: a column added later (a password hash, an email) stays private by default. */
export function presentUser(u: UserFields): PublicUser {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    bio: u.bio,
    avatarUrl: u.avatarUrl,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
  };
}

export function presentToken(t: AuthTokenRow): ApiToken {
  return {
    id: t.id,
    name: t.name,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}
