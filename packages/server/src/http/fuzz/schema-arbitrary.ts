import fc from 'fast-check';
import {
  anyJson,
  fitted,
  HOSTILE_KEYS,
  hostileNumber,
  hostileString,
  legalHostileText,
  POISON,
  poisoned,
  withOwn,
} from './hostile.ts';

/** The JSON Schema the app publishes for a route (OpenAPI 3.0 flavour, as the zod type provider emits it). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
}

export interface SchemaArbitraryOptions {
  /** Resolves `#/components/schemas/X`. */
  resolve: (ref: string) => JsonSchema;
  /** Real values worth trying for a property of this name (existing handles, ids of other users' things). */
  known: (name: string) => readonly string[];
}

/** Arrays in generated values stay short: the point is the shape and the leaves, not the volume. */
const MAX_ITEMS = 4;
const SAFE = Number.MAX_SAFE_INTEGER;

function bounds(s: JsonSchema) {
  let min = s.minimum ?? -SAFE;
  let max = s.maximum ?? SAFE;
  if (s.exclusiveMinimum === true) min += 1;
  else if (typeof s.exclusiveMinimum === 'number') min = s.exclusiveMinimum + 1;
  if (s.exclusiveMaximum === true) max -= 1;
  else if (typeof s.exclusiveMaximum === 'number') max = s.exclusiveMaximum - 1;
  return { min: Math.max(min, -SAFE), max: Math.min(max, SAFE) };
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.format === 'uri') return fc.webUrl({ size: 'small' }).filter((u) => u.length <= max);
  if (s.pattern)
    return fc
      .stringMatching(new RegExp(s.pattern), { size: 'small' })
      .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY));
  // Mostly plain words: a schema keeps some rules to itself (a transform, then a pattern), and plain
  // words pass them, so the value gets further.
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.string({ minLength: min, maxLength: max, unit: fc.constantFrom(...'abcxyz019_') }),
    },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }) },
  );
}

/**
 * Values of the schema's shape. With `hostile`, every leaf may instead be a hostile string (fitted to
 * the field's length limits so it gets past them), a number at or past its bounds, or a real value
 * of someone else's (`known`).
 */
export function shapedArbitrary(
  schema: JsonSchema,
  opts: SchemaArbitraryOptions,
  hostile = true,
  name = '',
): fc.Arbitrary<unknown> {
  const s = schema.$ref ? opts.resolve(schema.$ref) : schema;
  const base = shapedInner(s, opts, hostile, name);
  return s.nullable ? fc.option(base, { nil: null, freq: 6 }) : base;
}

function shapedInner(s: JsonSchema, opts: SchemaArbitraryOptions, hostile: boolean, name: string) {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => shapedArbitrary(a, opts, hostile, name)));
  if (s.allOf?.[0]) return shapedArbitrary(s.allOf[0], opts, hostile, name);
  if (s.const !== undefined) return fc.constant(s.const);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const known = opts.known(name);
  if (s.enum) {
    const valid = fc.constantFrom(...s.enum);
    return hostile
      ? fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostileString })
      : valid;
  }
  switch (type) {
    case 'string': {
      const valid = validString(s);
      if (!hostile) return known.length > 0 ? fc.oneof(valid, fc.constantFrom(...known)) : valid;
      const variants: fc.WeightedArbitrary<string>[] = [
        { weight: 3, arbitrary: valid },
        { weight: 3, arbitrary: poisoned(valid, s.maxLength) },
        { weight: 2, arbitrary: legalHostileText.map((h) => fitted(h, s.minLength, s.maxLength)) },
        { weight: 3, arbitrary: hostileString.map((h) => fitted(h, s.minLength, s.maxLength)) },
        { weight: 1, arbitrary: hostileString },
      ];
      if (known.length > 0) variants.push({ weight: 2, arbitrary: fc.constantFrom(...known) });
      return fc.oneof(...variants);
    }
    case 'integer':
    case 'number': {
      const { min, max } = bounds(s);
      const valid =
        type === 'integer'
          ? fc.integer({ min, max })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      if (!hostile) return valid;
      return fc.oneof(
        { weight: 3, arbitrary: valid },
        { weight: 2, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, min - 0.5, max + 0.5) },
        { weight: 2, arbitrary: hostileNumber },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = s.items ? shapedArbitrary(s.items, opts, hostile, name) : anyJson;
      const minLength = s.minItems ?? 0;
      return fc.array(item, {
        minLength,
        maxLength: Math.max(minLength, Math.min(s.maxItems ?? MAX_ITEMS, MAX_ITEMS)),
      });
    }
    case 'object':
    case undefined: {
      if (!s.properties) return type === 'object' ? fc.constant({}) : anyJson;
      const props = Object.fromEntries(
        Object.entries(s.properties).map(([key, child]) => [key, shapedArbitrary(child, opts, hostile, key)]),
      );
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return anyJson;
  }
}

type Mutation =
  | { kind: 'replace'; value: unknown }
  | { kind: 'drop'; at: number; key: number }
  | { kind: 'extra'; at: number; key: string; value: unknown }
  | { kind: 'retype'; at: number; key: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: anyJson }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), key: fc.nat() }),
  fc.record({
    kind: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileString),
    value: anyJson,
  }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), key: fc.nat(), value: anyJson }),
);

/** Every object and array inside `value`, outermost first. */
function containers(value: unknown, out: (Record<string, unknown> | unknown[])[] = []) {
  if (value !== null && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

function applyMutation(value: unknown, m: Mutation): unknown {
  if (m.kind === 'replace') return m.value;
  const copy = structuredClone(value);
  const nodes = containers(copy);
  const node = nodes[m.at % Math.max(1, nodes.length)];
  if (!node) return m.kind === 'extra' ? withOwn({}, m.key, m.value) : copy;
  if (Array.isArray(node)) {
    if (m.kind === 'drop') node.splice(m.key % Math.max(1, node.length), 1);
    else if (m.kind === 'retype' && node.length > 0) node[m.key % node.length] = m.value;
    else node.push(m.kind === 'extra' ? withOwn({}, m.key, m.value) : m.value);
    return copy;
  }
  const keys = Object.keys(node);
  const key = keys[(m.kind === 'extra' ? 0 : m.key) % Math.max(1, keys.length)];
  if (m.kind === 'drop' && key !== undefined) delete node[key];
  else if (m.kind === 'retype' && key !== undefined) node[key] = m.value;
  else if (m.kind === 'extra') withOwn(node, m.key, m.value);
  return copy;
}

/** Values of the schema's shape with one thing wrong: a missing or extra field, a wrong type, a wrong root. */
export function mutatedArbitrary(schema: JsonSchema, opts: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  return fc
    .tuple(shapedArbitrary(schema, opts, false), mutation)
    .map(([value, m]) => applyMutation(value, m));
}

/** One leaf of a value: the object or array holding it and its key. */
type Leaf = [Record<string, unknown> | unknown[], string | number];

function leaves(value: unknown, out: Leaf[] = []): Leaf[] {
  if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const key = Array.isArray(value) ? Number(k) : k;
      if (typeof v === 'string' || typeof v === 'number') out.push([value as Record<string, unknown>, key]);
      else leaves(v, out);
    }
  return out;
}

/**
 * A valid value with exactly one leaf poisoned: a string with one code point swapped for U+0000 (half
 * the time) or another poison, or a hostile string; a number pushed past its range. Everything else
 * being valid, the poison is what reaches the service, the SQL and the logs.
 */
export function poisonedArbitrary(schema: JsonSchema, opts: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const poison = fc.record({
    at: fc.nat(),
    char: fc.oneof(fc.constant('\u0000'), fc.constantFrom(...POISON)),
    text: fc.oneof(hostileString, legalHostileText),
    number: hostileNumber,
    whole: fc.boolean(),
  });
  return fc.tuple(shapedArbitrary(schema, opts, false), fc.nat(), poison).map(([value, which, p]) => {
    const copy = structuredClone(value);
    const all = leaves(copy);
    const leaf = all[which % Math.max(1, all.length)];
    if (!leaf) return typeof copy === 'string' ? p.char : copy;
    const [holder, key] = leaf;
    const old = (holder as Record<string | number, unknown>)[key];
    let next: unknown = p.number;
    if (typeof old === 'string') {
      const units = [...old];
      units.splice(p.at % (units.length + 1), units.length > 0 ? 1 : 0, p.char);
      next = p.whole ? p.text : units.join('');
    }
    (holder as Record<string | number, unknown>)[key] = next;
    return copy;
  });
}
