import { z } from 'zod';
import { LeagueBadge } from './leagues.ts';
import { CONTROL_CHARACTERS_MESSAGE, Cursor, cleanString, isCleanText, Text } from './text.ts';

export const ROLES = ['viewer', 'creator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Handles are what people type after "@": lowercase so "@Ana" and "@ana" are one person. */
export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9_.]{0,22}[a-z0-9_])?$/;
export const Handle = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'at least 2 characters')
  .max(24, 'at most 24 characters')
  .regex(HANDLE_PATTERN, 'letters, digits, "_" and "." only; must not start or end with "."')
  .refine((h) => !h.includes('..'), 'no two dots in a row');

export const Password = cleanString().min(8, 'at least 8 characters').max(200, 'at most 200 characters');
export const DisplayName = Text({ min: 1, max: 50 });
export const Bio = Text({ max: 300, multiline: true });
export const AvatarUrl = z
  .string()
  .max(500)
  .refine((u) => isCleanText(u), CONTROL_CHARACTERS_MESSAGE)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

export const PublicUser = z
  .object({
    id: z.string(),
    handle: z.string(),
    displayName: z.string(),
    bio: z.string(),
    avatarUrl: z.string().nullable(),
    role: Role,
    createdAt: z.string(),
    /** The creator's league tier, on the room and profile payloads (modules/leagues); absent elsewhere. */
    league: LeagueBadge.optional(),
  })
  .meta({ id: 'PublicUser' });
export type PublicUser = z.infer<typeof PublicUser>;

export const Me = PublicUser.extend({}).meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

/**
 * Who this browser (or token) is signed in as, or `null`: what an app asks at start. Unlike `/me`,
 * signed out is an answer here, not a 401, so a first visit logs no failed request.
 */
export const SessionState = z.object({ user: Me.nullable() });
export type SessionState = z.infer<typeof SessionState>;

export const SignupBody = z
  .object({
    handle: Handle,
    password: Password,
    displayName: DisplayName.optional(),
  })
  .strict();
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z
  .object({
    handle: cleanString().trim().toLowerCase().min(1).max(24),
    password: cleanString().min(1).max(200),
  })
  .strict();
export type LoginBody = z.infer<typeof LoginBody>;

export const AuthResult = z
  .object({
    user: Me,
    /** Present when the client asked for a bearer token instead of (or besides) the cookie. */
    token: z.string().optional(),
  })
  .meta({ id: 'AuthResult' });
export type AuthResult = z.infer<typeof AuthResult>;

export const UpdateProfileBody = z
  .object({
    displayName: DisplayName.optional(),
    bio: Bio.optional(),
    avatarUrl: AvatarUrl.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const HandleParams = z.object({ handle: Handle });
export const IdParams = z.object({ id: z.uuid() });

export const CreateTokenBody = z.object({ name: Text({ min: 1, max: 60 }) }).strict();
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiToken>;

export const CreatedToken = ApiToken.extend({ token: z.string() }).meta({ id: 'CreatedToken' });
export type CreatedToken = z.infer<typeof CreatedToken>;

export const TokenList = z.object({ tokens: z.array(ApiToken) });
export type TokenList = z.infer<typeof TokenList>;

export const SetRoleBody = z.object({ role: Role }).strict();
export type SetRoleBody = z.infer<typeof SetRoleBody>;

export const UserList = z.object({ users: z.array(PublicUser), nextCursor: z.string().nullable() });
export type UserList = z.infer<typeof UserList>;

export const ListUsersQuery = z.object({
  q: Text({ max: 24 }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor().optional(),
});

export const Ok = z.object({ ok: z.literal(true) });
