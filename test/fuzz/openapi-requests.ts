import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deepValue,
  encodeQuery,
  encodeUri,
  hostileValue,
  mutationsOf,
  pathParamValue,
  pathsOf,
  textValue,
  urlTextValue,
} from '../utils/hostile-input';
import { BODY_EXAMPLES } from '../utils/request-examples';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}

export interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path template, `/api/v1/users/{id}`. */
  path: string;
  pathParams: string[];
  query: Parameter[];
  /** Media type → schema of the request body. */
  body: Record<string, Schema>;
  /** `access-token`, `api-key`, `metrics-token`; empty for public routes. */
  security: string[];
  /** Field names an error may name: parameters and the body's top-level properties. */
  declared: Set<string>;
}

export const OPENAPI_PATH = join(__dirname, '..', '..', 'openapi.json');

export function readDocument(): Document {
  return JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document;
}

export function resolve(schema: Schema, doc: Document): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  if (s.allOf?.length === 1 && !s.properties) return { ...resolve(s.allOf[0], doc), ...s, allOf: undefined };
  return s;
}

function topLevelProperties(schema: Schema, doc: Document): string[] {
  const s = resolve(schema, doc);
  return [
    ...Object.keys(s.properties ?? {}),
    ...[...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap((x) => topLevelProperties(x, doc)),
  ];
}

export function operationsOf(doc: Document): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const params = raw.parameters ?? [];
      const body = Object.fromEntries(Object.entries(raw.requestBody?.content ?? {}).map(([type, media]) => [type, media.schema ?? {}]));
      ops.push({
        id: raw.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query'),
        body,
        security: [...new Set((raw.security ?? []).flatMap((s) => Object.keys(s)))],
        declared: new Set([...params.map((p) => p.name), ...Object.values(body).flatMap((s) => topLevelProperties(s, doc))]),
      });
    }
  }
  return ops;
}

const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

function stringFor(s: Schema): fc.Arbitrary<string> {
  switch (s.format) {
    case 'date-time':
      return isoDate;
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    default: {
      const minLength = s.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(s.maxLength ?? 24, 48)) });
    }
  }
}

/** Values the schema allows (or nearly: patterns and cross-field rules are not modelled). */
export function schemaValue(schema: Schema, doc: Document, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  let arb: fc.Arbitrary<unknown>;
  if (s.enum?.length) arb = fc.constantFrom(...s.enum);
  else if (s.oneOf?.length || s.anyOf?.length) arb = fc.oneof(...(s.oneOf ?? s.anyOf ?? []).map((x) => schemaValue(x, doc, depth)));
  else if (s.type === 'string') arb = stringFor(s);
  else if (s.type === 'integer') arb = fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
  else if (s.type === 'number') arb = fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
  else if (s.type === 'boolean') arb = fc.boolean();
  else if (s.type === 'array') {
    const minLength = s.minItems ?? 0;
    const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
    arb = depth > 4 ? fc.constant([]) : fc.array(schemaValue(s.items ?? {}, doc, depth + 1), { minLength, maxLength });
  } else if (s.properties) {
    const model = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, schemaValue(v, doc, depth + 1)]));
    arb = fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
  } else if (s.type === 'object' || s.additionalProperties) arb = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  else arb = fc.jsonValue({ maxDepth: 2 });
  if (s.nullable) arb = fc.option(arb, { nil: null, freq: 5 });
  if (s.example !== undefined) arb = fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(s.example) });
  return arb;
}

/** One request of the fuzz run, with what it sent (for the field-name check) and how to send it. */
export interface FuzzRequest {
  method: Operation['method'];
  url: string;
  auth: 'user' | 'api-key' | 'none' | 'garbage';
  headers: Record<string, string>;
  payload?: string;
  /** The parsed JSON body, or the NDJSON text, the server received (when it could parse it). */
  sentBody?: unknown;
  sentQuery: [string, string][];
}

const JSON_TYPES = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json');
const WRONG_TYPES = fc.constantFrom(
  'text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data',
  'multipart/form-data; boundary=fuzz', 'application/octet-stream', 'application/x-ndjson', 'application/json; charset=utf-16',
  'application/json;;', 'image/png', 'x', '',
);
const INVALID_JSON = fc.constantFrom(
  '{', '{"a":', "{'a':1}", '[1,]', 'NaN', '{"a":1}}', '\u0000', '{"a":"\\x"}', '{"a":01}', '"unterminated', 'undefined',
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":{"__proto__":{"polluted":true}}}',
  '\ufeff{}', '{"a":1,"a":2}', '{"a":1e999999}', '[]', 'null', 'true', '0', '""',
);
/** JSON text nested up to 100,000 levels (generated as text: no recursion on this side either). */
const DEEP_JSON = fc
  .tuple(fc.integer({ min: 33, max: 100_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n));

type Body = Pick<FuzzRequest, 'headers' | 'payload' | 'sentBody'>;

function multipartBody(parts: { name: string; filename: string | null; content: string }[], boundary: string): string {
  const lines = parts.map((p) => {
    const disposition = `form-data; name="${p.name}"${p.filename === null ? '' : `; filename="${p.filename}"`}`;
    return `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: text/csv\r\n\r\n${p.content}\r\n`;
  });
  return `${lines.join('')}--${boundary}--\r\n`;
}

const CSV_HEADER = 'Destination Port,Flow Duration,Total Fwd Packets,Label';
const multipartArb: fc.Arbitrary<Body> = fc
  .record({
    boundary: fc.constantFrom('fuzzboundary', 'x', '----WebKitFormBoundary7MA4YWxkTrZu0gW'),
    parts: fc.array(
      fc.record({
        name: fc.oneof({ weight: 4, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: textValue }),
        filename: fc.option(fc.oneof(fc.constant('flows.csv'), textValue), { nil: null }),
        content: fc.oneof(fc.constant(`${CSV_HEADER}\n80,1000,2,BENIGN\n`), textValue, fc.constant('')),
      }),
      { maxLength: 3 },
    ),
    truncate: fc.option(fc.nat(), { nil: null }),
  })
  .map(({ boundary, parts, truncate }) => {
    const text = multipartBody(parts, boundary);
    return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: truncate === null ? text : text.slice(0, truncate % (text.length + 1)) };
  });

function ndjsonArb(example: string): fc.Arbitrary<Body> {
  const lines = example.split('\n').map((l) => JSON.parse(l) as unknown);
  const line = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...lines).map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: fc.constantFrom(...lines).chain(mutationsOf).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: textValue },
    { weight: 1, arbitrary: DEEP_JSON },
  );
  return fc
    .tuple(fc.array(line, { maxLength: 4 }), fc.constantFrom('application/x-ndjson', 'application/json'))
    .map(([ls, type]) => ({ headers: { 'content-type': type }, payload: ls.join('\n'), sentBody: ls.join('\n') }));
}

/**
 * Bodies for an operation: schema values (as is and mutated), curated examples mutated, hostile values, broken
 * encodings.
 */
export function bodyArb(op: Operation, doc: Document): fc.Arbitrary<Body> {
  const json = op.body['application/json'];
  const ref = json?.$ref?.replace('#/components/schemas/', '');
  const example = ref ? BODY_EXAMPLES[ref] : BODY_EXAMPLES[op.id];
  const values: fc.WeightedArbitrary<unknown>[] = [{ weight: 2, arbitrary: hostileValue }, { weight: 1, arbitrary: deepValue }];
  if (json) {
    const schema = schemaValue(json, doc);
    values.push({ weight: 3, arbitrary: schema }, { weight: 3, arbitrary: schema.chain(mutationsOf) });
  }
  if (example !== undefined && typeof example !== 'string') values.push({ weight: 2, arbitrary: fc.constant(example) }, { weight: 4, arbitrary: mutationsOf(example) });
  const asJson: fc.Arbitrary<Body> = fc.tuple(fc.oneof(...values), JSON_TYPES).map(([value, type]): Body => {
    const payload = JSON.stringify(value);
    return payload === undefined ? { headers: {} } : { headers: { 'content-type': type }, payload, sentBody: JSON.parse(payload) as unknown };
  });
  const arbs: fc.WeightedArbitrary<Body>[] = [
    { weight: 12, arbitrary: asJson },
    { weight: 1, arbitrary: INVALID_JSON.map((payload) => ({ headers: { 'content-type': 'application/json' }, payload })) },
    { weight: 1, arbitrary: DEEP_JSON.map((payload) => ({ headers: { 'content-type': 'application/json' }, payload })) },
    { weight: 1, arbitrary: fc.constant({ headers: { 'content-type': 'application/json' }, payload: '' }) },
    { weight: 1, arbitrary: fc.constant({ headers: {} }) },
    {
      weight: 2,
      arbitrary: fc.tuple(WRONG_TYPES, fc.oneof(textValue, fc.jsonValue().map((v) => JSON.stringify(v)))).map(([type, payload]) => ({ headers: type ? { 'content-type': type } : {}, payload })),
    },
  ];
  if (op.body['multipart/form-data']) arbs.push({ weight: 8, arbitrary: multipartArb });
  if (op.body['application/x-ndjson'] && typeof example === 'string') arbs.push({ weight: 12, arbitrary: ndjsonArb(example) });
  return fc.oneof(...arbs);
}

/** Addresses and CIDRs no address filter may take (each one answered 500 on `/flows` once). */
export const INVALID_ADDRESSES = ['abc', '123', '4294967296', '198.18.1.1/99', '::1/129', '1.2.3', '1.2.3.4/', '01.2.3.4', 'null', ''];

const queryValue = (param: Parameter, doc: Document): fc.Arbitrary<string[]> => {
  const valid = schemaValue(param.schema ?? {}, doc).map((v) => (Array.isArray(v) ? v.map(String) : [typeof v === 'string' ? v : JSON.stringify(v) ?? '']));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.array(urlTextValue, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_ADDRESSES).map((v) => [v]) },
  );
};

export function queryArb(op: Operation, doc: Document): fc.Arbitrary<[string, string][]> {
  const declared = op.query.map((p) =>
    fc.option(queryValue(p, doc).map((values) => values.map((v): [string, string] => [p.name, v])), { nil: [], freq: 2 }),
  );
  const unknown = fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]'), urlTextValue), urlTextValue), { maxLength: 2 });
  return fc.tuple(fc.tuple(...declared), fc.option(unknown, { nil: [], freq: 3 })).map(([d, u]) => [...d.flat(), ...u]);
}

/** The request arbitrary of an operation: path parameters from `pool` or hostile, query, body, and who sends it. */
export function requestArb(op: Operation, doc: Document, pool: string[]): fc.Arbitrary<FuzzRequest> {
  const withBody = Object.keys(op.body).length > 0 || ['POST', 'PUT', 'PATCH'].includes(op.method);
  const auth: fc.Arbitrary<FuzzRequest['auth']> =
    op.security.length === 0
      ? fc.constant('none')
      : fc.oneof(
          { weight: 12, arbitrary: op.security.includes('api-key') ? fc.constantFrom<FuzzRequest['auth']>('user', 'api-key') : fc.constant<FuzzRequest['auth']>('user') },
          { weight: 1, arbitrary: fc.constantFrom<FuzzRequest['auth']>('garbage', 'none') },
        );
  return fc
    .record({
      params: fc.tuple(...op.pathParams.map(() => pathParamValue(pool))),
      query: queryArb(op, doc),
      body: withBody ? bodyArb(op, doc) : fc.constant<Body>({ headers: {} }),
      auth,
    })
    .map(({ params, query, body, auth }) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => encodeUri(params[i++]));
      const qs = encodeQuery(query);
      return { method: op.method, url: qs ? `${path}?${qs}` : path, auth, headers: body.headers, payload: body.payload, sentBody: body.sentBody, sentQuery: query };
    });
}

/** A valid body to start from: the curated example, else one value of the schema. */
export function baseBody(op: Operation, doc: Document): unknown {
  const json = op.body['application/json'];
  if (!json) return undefined;
  const ref = json.$ref?.replace('#/components/schemas/', '');
  const example = ref ? BODY_EXAMPLES[ref] : BODY_EXAMPLES[op.id];
  if (example !== undefined && typeof example !== 'string') return example;
  return fc.sample(schemaValue(json, doc), { numRuns: 1, seed: 1 })[0];
}

/** The body with the value at `path` replaced by null. */
export function withNullAt(body: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = null;
  return copy;
}

/**
 * Every request of the systematic sweep of an operation: each query parameter given each invalid address, and
 * each field of a valid body (nested ones too), and each schema property the body may omit, set to null.
 */
export function sweepRequests(op: Operation, doc: Document, pathValues: string[]): FuzzRequest[] {
  let i = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => encodeUri(pathValues[i++] ?? ''));
  const auth: FuzzRequest['auth'] = op.security.length === 0 ? 'none' : op.security.includes('access-token') ? 'user' : 'api-key';
  const requests: FuzzRequest[] = op.query.flatMap((p) =>
    INVALID_ADDRESSES.map((v) => ({ method: op.method, url: `${path}?${encodeQuery([[p.name, v]])}`, auth, headers: {}, sentQuery: [[p.name, v]] as [string, string][] })),
  );
  const body = baseBody(op, doc);
  if (body === null || typeof body !== 'object') return requests;
  const schema = resolve(op.body['application/json'], doc);
  const omitted = Object.keys(schema.properties ?? {}).filter((k) => !(k in body));
  const paths = [...pathsOf(body), ...omitted.map((k) => [k])];
  for (const at of paths) {
    const sentBody = at.length === 1 && !(at[0] in body) ? { ...body, [at[0]]: null } : withNullAt(body, at);
    const payload = JSON.stringify(sentBody);
    requests.push({ method: op.method, url: path, auth, headers: { 'content-type': 'application/json' }, payload, sentBody, sentQuery: [] });
  }
  return requests;
}
