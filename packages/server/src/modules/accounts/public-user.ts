import { type RawBuilder, sql } from 'kysely';

/**
 * The columns of `users` another module may read when it joins a user into its own rows: what
 * `presentUser` shows, never the password hash or anything added later. Accounts owns the table, so a
 * column added to or dropped from the public face changes here, not in every repository.
 */
const PUBLIC_USER = ['id', 'handle', 'displayName', 'bio', 'avatarUrl', 'role', 'createdAt'] as const;
/** The short reference a list or a leaderboard row carries (a chip: name and picture). */
const USER_REF = ['id', 'handle', 'displayName', 'avatarUrl'] as const;

type PublicUserColumn = (typeof PUBLIC_USER)[number];
type UserRefColumn = (typeof USER_REF)[number];
type Prefixed<A extends string, P extends string, C> = C extends string
  ? `${A}.${C} as ${P}${Capitalize<C>}`
  : never;

/** `publicUser('u')` → `['u.id', 'u.handle', …]` for a Kysely select over `users as u`. */
export function publicUser<A extends string>(alias: A): readonly `${A}.${PublicUserColumn}`[] {
  return PUBLIC_USER.map((c) => `${alias}.${c}` as const);
}

/** The same columns renamed with a prefix, for a row that holds another user too: `'a.handle as actorHandle'`. */
export function publicUserAs<A extends string, P extends string>(
  alias: A,
  prefix: P,
): readonly Prefixed<A, P, PublicUserColumn>[] {
  return PUBLIC_USER.map(
    (c) =>
      `${alias}.${c} as ${prefix}${c[0]?.toUpperCase()}${c.slice(1)}` as Prefixed<A, P, PublicUserColumn>,
  );
}

/** `userRef('u')` → `['u.id', 'u.handle', 'u.displayName', 'u.avatarUrl']`. */
export function userRef<A extends string>(alias: A): readonly `${A}.${UserRefColumn}`[] {
  return USER_REF.map((c) => `${alias}.${c}` as const);
}

/**
 * The `userRef` columns as a fragment of a hand-written query (`select ${userRefSql('u')}, …` and the
 * same in its `group by`); the rows come back camelCased like any other.
 */
export function userRefSql(alias: string): RawBuilder<unknown> {
  return sql.join(USER_REF.map((c) => sql.ref(`${alias}.${c}`)));
}

export interface UserRef {
  id: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}
