import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile request input, shared by the DTO and HTTP fuzz specs: wrong types, huge
 * strings and numbers, numbers spelt as strings, unicode, very deep nesting, prototype keys as own properties
 * (as `JSON.parse` and the query-string parser create them), and mutations of a valid example.
 */

/** The seed of a fuzz run: FUZZ_SEED, a fixed one by default (runs are reproducible), or a new one with `random`. */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given === 'random') return Math.floor(Math.random() * 2 ** 31);
  return given ? Number(given) : 20260121;
}

/** Keys that reach prototype machinery, or shadow `Object.prototype` members, when copied carelessly. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', '__defineGetter__'];

/** Keys that are awkward in field paths and messages. */
export const AWKWARD_KEYS = ['', ' ', 'a.b', 'a[0]', '[0]', '"', '0', '-1', 'ключ', '🔥', '\u0000', 'k'.repeat(300)];

/** Numbers and non-numbers as a query string or a careless client spells them. */
export const numericStrings = fc.constantFrom(
  'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '-1', '0', '-0', '1.5', '9007199254740993', '99999999999999999999',
  '0x1F', '1_000', ' 1', '1 ', '+1', '١٢٣', '１２３', '1e3', '', 'true', 'null', 'undefined',
);

export const edgeNumbers = fc.constantFrom(
  0, -0, -1, 1, 0.5, -0.5, 255, 256, 65535, 65536, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308,
  Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE,
);

/** Strings that look like the values a field expects, but are not quite (or are). */
const nearMisses = fc.constantFrom(
  '2026-01-21T10:00:00Z', '2026-13-45T99:99:99Z', '0000-00-00', '1970-01-01T00:00:00.000Z', '275760-09-13T00:00:00Z',
  '00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-00000000000g', '{{uuid}}',
  '198.51.100.7', '0x7f.1', '010.0.0.1', '::1', '0.0.0.0/0', '::/0', '10.0.0.0/33', '127.0.0.1', '1.2.3.4/-1',
  'a@b', 'admin@example.com', 'http://169.254.169.254/', 'javascript:alert(1)', 'tcp', 'udp', 'me', 'none',
  '../../etc/passwd', '/dev/zero', '%00', 'a\u0000b', '\u0000', "' OR 1=1 --", '${jndi:ldap://x}', '<script>', '\r\nX-Injected: 1',
);

/** `min` to `max` repetitions of one character (ASCII, multi-byte, NUL, `%`). */
const repeated = (min: number, max: number) =>
  fc.tuple(fc.constantFrom('a', '9', ' ', 'é', '🔥', '\u0000', '%', '1.', '\\'), fc.integer({ min, max })).map(([c, n]) => c.repeat(n));

/** 1,000 to 100,000 repetitions of one character: for bodies. */
export const hugeString = repeated(1_000, 100_000);

const text = (huge: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 3, arbitrary: numericStrings },
    { weight: 3, arbitrary: nearMisses },
    { weight: 1, arbitrary: huge },
  );

export const textValue = text(hugeString);

/**
 * Text for URLs: long strings stay within what an HTTP server reads as a request line (Node refuses headers over
 * 16 KB with 431 before any application code; `inject` has no such limit).
 */
export const urlTextValue = text(repeated(200, 1_000));

export function nested(depth: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Objects and arrays nested 16 to 1,500 levels deep (reported by fast-check as `nested(depth, kind)`). */
export const deepValue = fc
  .tuple(fc.integer({ min: 16, max: 1_500 }), fc.constantFrom<'object' | 'array'>('object', 'array'))
  .map(([depth, kind]) => {
    const value = nested(depth, kind) as object;
    Object.defineProperty(value, fc.toStringMethod, { value: () => `nested(${depth}, ${kind})` });
    return value;
  });

/** An object with these own properties, `__proto__` included (as `JSON.parse` creates it, not as a setter would). */
export function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const anyKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...AWKWARD_KEYS), fc.string({ maxLength: 12 }));

const scalar: fc.Arbitrary<unknown> = fc.oneof(textValue, edgeNumbers, fc.double(), fc.constantFrom(null, true, false));

/** Any hostile JSON value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.tuple(anyKey, scalar), { maxLength: 4 }).map(ownObject) },
  { weight: 1, arbitrary: fc.array(fc.tuple(anyKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map(ownObject) },
  { weight: 1, arbitrary: deepValue },
);

type Path = (string | number)[];

/** Paths of every value inside an example (at most `limit`), the example itself excluded. */
export function pathsOf(value: unknown, limit = 300, prefix: Path = [], out: Path[] = []): Path[] {
  if (out.length >= limit || value === null || typeof value !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    if (out.length >= limit) break;
    out.push([...prefix, key]);
    pathsOf(child, limit, [...prefix, key], out);
  }
  return out;
}

/** Ways to spoil a valid string while keeping most of it. */
const SPOILERS: ((s: string) => string)[] = [
  (s) => `${s}\u0000`,
  (s) => `\u0000${s}`,
  (s) => `${s}\ud800`,
  (s) => ` ${s} `,
  (s) => s.toUpperCase(),
  (s) => s.repeat(1_000),
  (s) => s.slice(0, -1),
  (s) => `${s}'"\\;`,
];

type Mutation =
  | { kind: 'spoil'; path: Path; spoiler: number }
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown }
  | { kind: 'wrap'; path: Path };

function container(root: unknown, path: Path): [Record<string | number, unknown>, string | number] | null {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === null || typeof node !== 'object') return null;
  return [node as Record<string | number, unknown>, path[path.length - 1]];
}

function applyMutation(root: unknown, m: Mutation): unknown {
  if (m.path.length === 0) {
    if (m.kind === 'set') return m.value;
    if (m.kind === 'spoil') return typeof root === 'string' ? SPOILERS[m.spoiler](root) : root;
    if (m.kind === 'wrap') return [root];
    if (m.kind === 'delete') return undefined;
  }
  const target = m.kind === 'add' ? [...m.path, m.key] : m.path;
  const at = container(root, target);
  if (!at) return root;
  const [parent, key] = at;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else {
    const current = parent[key];
    const value = m.kind === 'wrap' ? [current] : m.kind === 'spoil' ? (typeof current === 'string' ? SPOILERS[m.spoiler](current) : current) : m.value;
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/**
 * One to three mutations of a valid example, anywhere inside it: a value replaced by a hostile one, a string
 * spoilt (NUL, lone surrogate, repeated, truncated…), a field dropped, an unknown (or prototype) key added, a value
 * wrapped in an array; or the whole example replaced.
 */
export function mutationsOf(example: unknown): fc.Arbitrary<unknown> {
  const paths: Path[] = [[], ...pathsOf(example)];
  const valueAt = (p: Path) => p.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)?.[k], example);
  const containers = paths.filter((p) => {
    const v = valueAt(p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  const strings = paths.filter((p) => typeof valueAt(p) === 'string');
  const path = fc.constantFrom(...paths);
  const mutations: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), path, value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), path }) },
  ];
  if (strings.length) {
    const spoiler = fc.nat({ max: SPOILERS.length - 1 });
    mutations.push({ weight: 3, arbitrary: fc.record({ kind: fc.constant('spoil' as const), path: fc.constantFrom(...strings), spoiler }) });
  }
  if (containers.length) {
    mutations.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom(...containers), key: anyKey, value: hostileValue }) });
  }
  const mutation = fc.oneof(...mutations);
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((mutations) => mutations.reduce<unknown>((value, m) => applyMutation(value, m), structuredClone(example)));
}

/** The value as a JSON request body would carry it (own `__proto__` keys kept), or undefined for non-JSON. */
export function jsonRoundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** `key=value` pairs of a query string: the example's, mutated, plus unknown and prototype keys. */
export function queryPairsOf(example: Record<string, string | string[]>): fc.Arbitrary<[string, string][]> {
  const base: [string, string][] = Object.entries(example).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]));
  const keys = Object.keys(example);
  const value = fc.oneof(urlTextValue, fc.constantFrom(...base.map(([, v]) => v), ''));
  const pair = fc.tuple(keys.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: anyKey }) : anyKey, value);
  return fc.oneof(
    fc.tuple(fc.subarray(base), fc.array(pair, { minLength: 1, maxLength: 4 })).map(([kept, added]) => [...kept, ...added]),
    fc.array(pair, { maxLength: 6 }),
    fc.constant(base),
  );
}

/** Percent-encodes any string (a lone surrogate, which a URL cannot carry, becomes U+FFFD). */
export const encodeUri = (value: string): string => encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));

export const encodeQuery = (pairs: [string, string][]): string => pairs.map(([k, v]) => `${encodeUri(k)}=${encodeUri(v)}`).join('&');

/** Path parameter values: hostile text, near misses of ids, and the given well-formed ones. */
export function pathParamValue(valid: string[]): fc.Arbitrary<string> {
  const invalidUuid = fc.uuid().chain((u) =>
    fc.oneof(
      fc.constant(u.slice(0, -1)),
      fc.constant(`${u}0`),
      fc.constant(u.replace(/-/g, '')),
      fc.constant(u.toUpperCase().replace(/[0-9]/, 'G')),
      fc.constant(`{${u}}`),
    ),
  );
  return fc.oneof(
    { weight: 2, arbitrary: valid.length ? fc.constantFrom(...valid) : fc.uuid() },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: invalidUuid },
    { weight: 3, arbitrary: urlTextValue.filter((s) => s.length > 0) },
  );
}
