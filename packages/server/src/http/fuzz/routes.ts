import type { FastifyInstance } from 'fastify';
import type { AuthMode } from '../auth.ts';
import type { JsonSchema } from './schema-arbitrary.ts';

/** One route as the fuzzer sees it: where it is, who may call it, and the schemas of its inputs. */
export interface RouteSpec {
  method: string;
  /** Fastify's pattern: `/api/v1/users/:handle`, `/*`. */
  url: string;
  auth: AuthMode;
  params: { name: string; schema: JsonSchema }[];
  /** The query string as one object schema (empty when the route declares none). */
  query: JsonSchema;
  body: JsonSchema | undefined;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/**
 * Every route the app serves, read from the app itself: the routes it declared (the auth plugin
 * records each one, so nothing can be registered and skipped here) joined with the request schemas
 * it publishes in its OpenAPI document, which are generated from the same zod schemas that validate
 * requests. Routes the document hides (the socket, /metrics) are fuzzed on their path and query only.
 */
export function routeSpecs(app: FastifyInstance): {
  routes: RouteSpec[];
  resolve: (ref: string) => JsonSchema;
} {
  const doc = app.swagger() as unknown as OpenApiDocument;
  const components = doc.components?.schemas ?? {};
  const resolve = (ref: string): JsonSchema => {
    const found = components[ref.replace('#/components/schemas/', '')];
    if (!found) throw new Error(`the OpenAPI document has no ${ref}`);
    return found;
  };
  const routes = app.declaredRoutes.map(({ method, url, auth }): RouteSpec => {
    const operation = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    const parameters = operation?.parameters ?? [];
    const query: JsonSchema = { type: 'object', properties: {}, required: [] };
    for (const p of parameters.filter((x) => x.in === 'query')) {
      query.properties![p.name] = p.schema;
      if (p.required) query.required!.push(p.name);
    }
    const declared = new Map(parameters.filter((x) => x.in === 'path').map((p) => [p.name, p.schema]));
    const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    if (url.endsWith('*')) names.push('*');
    return {
      method,
      url,
      auth,
      params: names.map((name) => ({ name, schema: declared.get(name) ?? { type: 'string' } })),
      query,
      body: operation?.requestBody?.content?.['application/json']?.schema,
    };
  });
  return { routes, resolve };
}

/** The route's URL with these values in its path (already encoded). */
export function fillPath(route: RouteSpec, encoded: Record<string, string>): string {
  return route.url
    .replace(/:(\w+)/g, (_, name: string) => encoded[name] ?? '')
    .replace(/\*$/, encoded['*'] ?? '');
}
