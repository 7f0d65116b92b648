import {
  AuthResult,
  CreatedToken,
  CreateTokenBody,
  HandleParams,
  IdParams,
  ListUsersQuery,
  LoginBody,
  Me,
  Ok,
  PublicUser,
  SessionState,
  SetRoleBody,
  SignupBody,
  TokenList,
  UpdateProfileBody,
  UserList,
} from '@onair/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../../http/auth.ts';
import type { AccountsService } from './accounts.service.ts';

export interface AccountsRoutesOptions {
  accounts: AccountsService;
  sessionTtlMs: number;
  secureCookies: boolean;
}

/** Browsers get an httpOnly cookie; SDKs and bots ask for the token in the body with ?token=true. */
const wantsToken = (request: FastifyRequest) =>
  (request.query as { token?: string } | undefined)?.token === 'true';

export async function accountsRoutes(app: FastifyInstance, opts: AccountsRoutesOptions) {
  const { accounts } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];
  const rateLimit = { limit: 'authByAddress', by: 'address' } as const;

  const setSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies,
      path: '/',
      maxAge: Math.floor(opts.sessionTtlMs / 1000),
    });
  const clientName = (request: FastifyRequest) =>
    (request.headers['user-agent'] ?? 'unknown client').slice(0, 120);

  r.post(
    '/auth/signup',
    {
      config: { auth: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Create an account and sign in',
        body: SignupBody,
        response: { 201: AuthResult },
      },
    },
    async (request, reply) => {
      const { user, token } = await accounts.signup(request.body, clientName(request));
      setSession(reply, token);
      return reply.code(201).send(wantsToken(request) ? { user, token } : { user });
    },
  );

  r.post(
    '/auth/login',
    {
      config: { auth: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Sign in with handle and password',
        body: LoginBody,
        response: { 200: AuthResult },
      },
    },
    async (request, reply) => {
      const { user, token } = await accounts.login(request.body, clientName(request));
      setSession(reply, token);
      return wantsToken(request) ? { user, token } : { user };
    },
  );

  r.get(
    '/auth/session',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Who you are signed in as, or null', response: { 200: SessionState } },
    },
    (request) => ({ user: request.auth?.user ?? null }),
  );

  r.post(
    '/auth/logout',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'End this session or revoke this token', response: { 200: Ok } },
    },
    async (request, reply) => {
      await accounts.logout(request.auth!);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  // The auth hook already loaded the user with the token: no second query on the hottest route.
  r.get(
    '/me',
    { config: { auth: 'user' }, schema: { tags, summary: 'The signed-in user', response: { 200: Me } } },
    (request) => request.auth!.user,
  );

  r.patch(
    '/me',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Edit your profile', body: UpdateProfileBody, response: { 200: Me } },
    },
    (request) => accounts.updateProfile(request.actor, request.actor!.id, request.body),
  );

  r.post(
    '/me/creator',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Become a creator (able to go LIVE)', response: { 200: Me } },
    },
    (request) => accounts.becomeCreator(request.actor),
  );

  r.get(
    '/me/tokens',
    { config: { auth: 'user' }, schema: { tags, summary: 'Your API tokens', response: { 200: TokenList } } },
    async (request) => ({ tokens: await accounts.listApiTokens(request.actor) }),
  );

  r.post(
    '/me/tokens',
    {
      config: { auth: 'user', rateLimit: { limit: 'tokens', by: 'user' } },
      schema: {
        tags,
        summary: 'Create an API token (shown once)',
        body: CreateTokenBody,
        response: { 201: CreatedToken },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await accounts.createApiToken(request.actor, request.body.name)),
  );

  r.delete(
    '/me/tokens/:id',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Revoke an API token', params: IdParams, response: { 200: Ok } },
    },
    async (request) => {
      await accounts.revokeApiToken(request.actor, request.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    '/users/:handle',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'A public profile', params: HandleParams, response: { 200: PublicUser } },
    },
    (request) => accounts.getByHandle(request.actor, request.params.handle),
  );

  r.get(
    '/admin/users',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['admin'],
        summary: 'List users',
        querystring: ListUsersQuery,
        response: { 200: UserList },
      },
    },
    (request) => accounts.listUsers(request.actor, request.query),
  );

  r.put(
    '/admin/users/:id/role',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['admin'],
        summary: "Set a user's role",
        params: IdParams,
        body: SetRoleBody,
        response: { 200: PublicUser },
      },
    },
    (request) => accounts.setRole(request.actor, request.params.id, request.body.role),
  );
}
