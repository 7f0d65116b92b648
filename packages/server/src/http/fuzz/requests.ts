import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { signStripePayload } from '../../modules/economy/payments/stripe.ts';
import { anyJson, hostileString, NUMERIC_STRINGS } from './hostile.ts';
import { fillPath, type RouteSpec } from './routes.ts';
import {
  type JsonSchema,
  mutatedArbitrary,
  poisonedArbitrary,
  type SchemaArbitraryOptions,
  shapedArbitrary,
} from './schema-arbitrary.ts';
import { type CallerName, STRIPE_WEBHOOK_SECRET, type World } from './world.ts';

/** One generated request, kept as plain data so a finding can print it and a test can replay it. */
export interface FuzzCase {
  kind: 'shaped' | 'poisoned' | 'mutated' | 'raw-body' | 'raw-url';
  caller: CallerName;
  /** Cross-site requests are refused; same-site and header-less ones (non-browser clients) are not. */
  origin: string | null;
  /** Path segments, already percent-encoded (or deliberately mis-encoded). */
  path: Record<string, string>;
  query: string;
  contentType: string | null;
  body: string | null;
  /** Extra headers: bad credentials, odd request ids, a signed or forged Stripe signature. */
  headers: Record<string, string>;
}

/** Percent-encodes every UTF-16 unit, lone surrogates included (as the WTF-8 bytes a sloppy client sends). */
export function encodeLoosely(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Path segments no encoder would produce: broken escapes, NUL, traversal, overlong UTF-8, huge ids. */
export const RAW_SEGMENTS = [
  '%E0%A4%A',
  '%',
  '%%',
  '%zz',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%F0%9F%98',
  '%u0041',
  '..',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%2F',
  '%5C',
  '+',
  ';x=1',
  '%3B',
  '%23',
  '%3F',
  '~',
  'a'.repeat(10_000),
  '0'.repeat(36),
  '00000000-0000-0000-0000-00000000000G',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
];

/** Query strings no encoder would produce, plus prototype keys, repeated and bracketed keys. */
const RAW_QUERIES = [
  '?%E0%A4%A',
  '?a=%',
  '?limit=%00',
  '?limit=1&limit=2',
  '?limit[]=1',
  '?limit[a]=1',
  '?__proto__[role]=admin',
  '?__proto__=x',
  '?constructor[prototype][role]=admin',
  `?limit=${'9'.repeat(5000)}`,
  `?${'a=1&'.repeat(2000)}`,
  `?cursor=${'x'.repeat(10_000)}`,
  '?=&=&',
  '?&&&',
  '?token=true&token=false',
  '?q=%25%5F%5C',
  '?tab=foryou%00',
  '?#fragment',
];

const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/jsonp',
  'application/merge-patch+json',
  'application/json, text/plain',
  '*/*',
  '',
];

/** Bodies past the parser's patience: broken JSON, JSON that parses into trouble, nesting, bulk. */
function rawBodies(bodyLimit: number): string[] {
  return [
    '{',
    '{"a":',
    '[',
    '{"a":1,}',
    "{'a':1}",
    'nul',
    '\u0000',
    '',
    ' ',
    '\ufeff{}',
    'null',
    '[]',
    '"a string"',
    '1e999',
    '-0',
    '{"a":"\\ud800"}',
    '{"handle":"\\u0000","password":"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
    '{"__proto__":{"role":"admin"}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    '{"a":1,"a":2}',
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    JSON.stringify({ a: 'x'.repeat(bodyLimit) }),
  ];
}

const HEADER_NOISE: Record<string, string>[] = [
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: 'Bearer a b c' },
  { authorization: `Bearer ${'x'.repeat(5000)}` },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { authorization: 'Bearer %00' },
  { cookie: 'onair_session=%E0%A4%A' },
  { cookie: `onair_session=${'x'.repeat(4000)}` },
  { cookie: 'onair_session=a; onair_session=b' },
  { 'x-request-id': '../../etc/passwd' },
  { 'x-request-id': 'x'.repeat(1000) },
  { 'x-forwarded-for': 'not-an-ip, 999.999.999.999' },
  { 'x-forwarded-for': '127.0.0.1, ::1, 10.0.0.1' },
  { accept: 'text/html' },
  { 'accept-encoding': 'gzip;q=NaN' },
  { 'content-length': '0' },
];

const scalarText = (v: unknown): string =>
  typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A query object as a client would send it: arrays as repeated keys, everything as text. */
function queryString(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return value === undefined ? '' : `?v=${encodeLoosely(scalarText(value))}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value))
    for (const item of Array.isArray(v) ? v : [v])
      parts.push(`${encodeLoosely(k)}=${encodeLoosely(scalarText(item))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const asBody = (value: unknown) => (value === undefined ? null : (JSON.stringify(value) ?? null));

export interface CaseContext {
  world: World;
  resolve: (ref: string) => JsonSchema;
  bodyLimit: number;
  publicUrl: string;
}

/** The arbitrary of requests to one route, for one kind of caller. */
function forCaller(route: RouteSpec, caller: CallerName, ctx: CaseContext): fc.Arbitrary<FuzzCase> {
  const opts: SchemaArbitraryOptions = {
    resolve: ctx.resolve,
    known: (name) => (route.url.endsWith('/auth/login') ? [] : ctx.world.known(caller, name, route.url)),
  };
  const pathOf = (hostile: boolean) =>
    fc.record(
      Object.fromEntries(
        route.params.map((p) => [
          p.name,
          fc.oneof(
            {
              weight: 4,
              arbitrary: shapedArbitrary(p.schema, opts, hostile, p.name).map((v) =>
                encodeLoosely(scalarText(v)),
              ),
            },
            { weight: hostile ? 1 : 0, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
          ),
        ]),
      ),
    ) as fc.Arbitrary<Record<string, string>>;
  const validQuery = shapedArbitrary(route.query, opts, false).map(queryString);
  const hostileQuery = fc.oneof(
    { weight: 3, arbitrary: shapedArbitrary(route.query, opts, true).map(queryString) },
    { weight: 1, arbitrary: mutatedArbitrary(route.query, opts).map(queryString) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('limit', 'cursor', 'before', ...Object.keys(route.query.properties ?? {})),
          fc.constantFrom(...NUMERIC_STRINGS),
        )
        .map(([k, v]) => `?${k}=${encodeLoosely(v)}`),
    },
  );
  const bodySchema = route.body;
  const shapedBody = bodySchema
    ? shapedArbitrary(bodySchema, opts, true).map(asBody)
    : fc.option(anyJson.map(asBody), { nil: null });
  const mutatedBody = bodySchema ? mutatedArbitrary(bodySchema, opts).map(asBody) : anyJson.map(asBody);
  const poisonedBody = bodySchema ? poisonedArbitrary(bodySchema, opts).map(asBody) : fc.constant(null);
  const validBody = bodySchema ? shapedArbitrary(bodySchema, opts, false).map(asBody) : fc.constant(null);

  const common = {
    caller: fc.constant(caller),
    origin: fc.constantFrom(null, null, ctx.publicUrl, 'https://evil.example', 'null'),
    headers: fc.oneof(
      { weight: 5, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.constantFrom(...HEADER_NOISE) },
    ),
  };
  const json = fc.constant('application/json');
  // Shaped cases get past validation to the code behind it, where the 500s live: they weigh most.
  return fc.oneof(
    fc.record({
      ...common,
      kind: fc.constant('shaped' as const),
      path: pathOf(true),
      query: hostileQuery,
      contentType: json,
      body: shapedBody,
    }),
    fc.record({
      ...common,
      kind: fc.constant('shaped' as const),
      path: pathOf(false),
      query: validQuery,
      contentType: json,
      body: shapedBody,
    }),
    ...Array.from({ length: 3 }, () =>
      fc.record({
        ...common,
        kind: fc.constant('poisoned' as const),
        path: pathOf(false),
        query: validQuery,
        contentType: json,
        body: poisonedBody,
      }),
    ),
    fc.record({
      ...common,
      kind: fc.constant('poisoned' as const),
      path: pathOf(false),
      query: poisonedArbitrary(route.query, opts).map(queryString),
      contentType: json,
      body: validBody,
    }),
    fc.record({
      ...common,
      kind: fc.constant('mutated' as const),
      path: pathOf(false),
      query: hostileQuery,
      contentType: json,
      body: mutatedBody,
    }),
    fc.record({
      ...common,
      kind: fc.constant('raw-body' as const),
      path: pathOf(false),
      query: validQuery,
      contentType: fc.oneof(json, fc.constantFrom(...CONTENT_TYPES), fc.constant(null)),
      body: fc.oneof(fc.constantFrom(...rawBodies(ctx.bodyLimit)), validBody),
    }),
    fc.record({
      ...common,
      kind: fc.constant('raw-url' as const),
      path: pathOf(true),
      query: fc.oneof(fc.constantFrom(...RAW_QUERIES), validQuery),
      contentType: json,
      body: validBody,
    }),
  );
}

/** Stripe's webhook verifies a signature first: sign some bodies, so what follows it is fuzzed too. */
function withStripeSignature(c: FuzzCase, sign: boolean): FuzzCase {
  if (!sign || c.body === null) return c;
  return {
    ...c,
    headers: { ...c.headers, 'stripe-signature': signStripePayload(c.body, STRIPE_WEBHOOK_SECRET) },
  };
}

/** Requests to one route from every kind of caller: anonymous, Mallory by token and by cookie, the admin. */
export function caseArbitrary(route: RouteSpec, ctx: CaseContext): fc.Arbitrary<FuzzCase> {
  // Anonymous callers stop at the first check of most routes: they get fewer cases.
  const weights: [CallerName, number][] = [
    ['anonymous', 1],
    ['bearer', 3],
    ['cookie', 2],
    ['admin', 2],
  ];
  const cases = fc.oneof(
    ...weights.map(([caller, weight]) => ({ weight, arbitrary: forCaller(route, caller, ctx) })),
  );
  if (!route.url.endsWith('/webhooks/stripe')) return cases;
  const event = fc.record({
    id: fc.oneof(hostileString, fc.constant('evt_1')),
    type: fc.constantFrom('checkout.session.completed', 'charge.refunded', 'charge.dispute.created', 'x'),
    data: fc.record({
      object: fc.dictionary(
        fc.constantFrom(
          'id',
          'payment_status',
          'payment_intent',
          'metadata',
          'client_reference_id',
          'amount_refunded',
        ),
        anyJson,
      ),
    }),
  });
  return fc
    .tuple(cases, fc.option(event, { nil: undefined }), fc.boolean())
    .map(([c, e, sign]) => withStripeSignature(e ? { ...c, body: JSON.stringify(e) } : c, sign));
}

/** The request a case stands for, as app.inject takes it. */
export function injectOptions(
  route: RouteSpec,
  c: FuzzCase,
  credentials: Record<string, string>,
): InjectOptions {
  const headers: Record<string, string> = { ...credentials, ...c.headers };
  if (c.origin !== null) headers.origin = c.origin;
  if (c.contentType !== null && c.body !== null) headers['content-type'] = c.contentType;
  return {
    method: route.method as InjectOptions['method'],
    url: fillPath(route, c.path) + c.query,
    headers,
    ...(c.body === null ? {} : { payload: c.body }),
  };
}
