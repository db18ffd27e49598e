import {
  FEATURE_COUNT,
  FEATURE_INDEX,
  FEATURE_NAMES,
  FWD_HEADER_LENGTH_DUPLICATE_INDEX,
  FWD_HEADER_LENGTH_INDEX,
} from './feature-names';
import { FEATURE_SPELLINGS, FlowMeter, harmoniseEncodings, METERS } from './flow-dialects';
import { detectMeter, isNonFeatureColumn, normaliseHeader } from './header-normaliser';

export interface FieldError {
  field: string;
  reason: string;
}

export type FeatureVectorResult = { ok: true; values: Float64Array } | { ok: false; errors: FieldError[] };

export interface FeatureVectorOptions {
  /** Keys that name nothing known are ignored instead of reported. Default false. */
  allowUnknown?: boolean;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITY = /^([+-]?)inf(inity)?$/i;

/**
 * Numeric value of one feature cell. Numbers pass through (NaN and ±Infinity included); strings may be decimal
 * numbers, `inf`/`Infinity` with an optional sign, or `NaN`; empty strings, `null` and `undefined` are missing
 * values (NaN), which the fitted transform imputes. Anything else is `undefined`: not a number.
 */
export function parseFeatureValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return NaN;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || /^nan$/i.test(text)) return NaN;
  if (DECIMAL.test(text)) return Number(text);
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/**
 * Raw feature vector in {@link FEATURE_NAMES} order from a record keyed by any spelling of any dialect of
 * flow-dialects.ts (` Flow Duration`, `flow_duration`, `Tot Fwd Pkts`, …) or from an array of the 78 values in
 * that order. Flow identity, label and a dialect's extra keys are accepted and ignored. A record without
 * `Fwd Header Length.1` takes it from `Fwd Header Length` (the two columns are copies). Missing, unknown,
 * repeated and non-numeric features are reported per field. Encodings are harmonised (`harmoniseEncodings`).
 */
export function toFeatureVector(
  input: Readonly<Record<string, unknown>> | ArrayLike<unknown>,
  options: FeatureVectorOptions = {},
): FeatureVectorResult {
  if (isArrayLike(input)) return fromArray(input);
  return fromRecord(input, options);
}

function isArrayLike(input: unknown): input is ArrayLike<unknown> {
  return Array.isArray(input) || ArrayBuffer.isView(input);
}

function fromArray(input: ArrayLike<unknown>): FeatureVectorResult {
  if (input.length !== FEATURE_COUNT) {
    return { ok: false, errors: [{ field: '', reason: `expected ${FEATURE_COUNT} values, got ${input.length}` }] };
  }
  const values = new Float64Array(FEATURE_COUNT);
  const errors: FieldError[] = [];
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const value = parseFeatureValue(input[i]);
    if (value === undefined) errors.push({ field: FEATURE_NAMES[i], reason: 'must be a number' });
    else values[i] = value;
  }
  if (errors.length) return { ok: false, errors };
  harmoniseEncodings(values);
  return { ok: true, values };
}

/** Resolution of a record key: a feature index, or one of these. */
const IGNORED_KEY = -1;
const UNKNOWN_KEY = -2;
/** Record keys seen so far and what they name; bounded, so arbitrary keys cannot grow it without limit. */
const KEY_CACHE = new Map<string, number>();
const KEY_CACHE_LIMIT = 2048;

function resolveKey(key: string): number {
  const cached = KEY_CACHE.get(key);
  if (cached !== undefined) return cached;
  const name = normaliseHeader(key);
  const index = name === undefined ? undefined : FEATURE_INDEX.get(name);
  const resolved = index !== undefined ? index : name !== undefined && isNonFeatureColumn(name) ? IGNORED_KEY : UNKNOWN_KEY;
  if (KEY_CACHE.size < KEY_CACHE_LIMIT) KEY_CACHE.set(key, resolved);
  return resolved;
}

/**
 * Resolutions of the keys of the last records seen, by key order. A sensor sends the same keys in the same order
 * every time, so most records are resolved by comparing their keys with a previous record's (interned strings:
 * cheap) instead of normalising each one.
 */
interface Shape {
  keys: string[];
  indices: Int32Array;
  /**
   * Every feature named once (`Fwd Header Length.1` may be left out) and no unknown key: a record of this shape
   * can only fail on its values.
   */
  complete: boolean;
  /** Whether the shape names `Fwd Header Length.1` itself. */
  hasHeaderCopy: boolean;
  /** The flow meter whose names the keys use: missing features are named in its spelling. */
  meter: FlowMeter;
}

const SHAPES: Shape[] = [];
const SHAPE_LIMIT = 8;

function shapeOf(keys: string[]): Shape {
  const found = SHAPES.findIndex((shape) => shape.keys.length === keys.length && shape.keys.every((key, i) => key === keys[i]));
  if (found >= 0) {
    const [shape] = SHAPES.splice(found, 1);
    SHAPES.unshift(shape);
    return shape;
  }
  const indices = Int32Array.from(keys, resolveKey);
  const named = new Set(Array.from(indices).filter((i) => i >= 0));
  const hasHeaderCopy = named.has(FWD_HEADER_LENGTH_DUPLICATE_INDEX);
  const complete =
    !indices.includes(UNKNOWN_KEY) &&
    named.size === indices.filter((i) => i >= 0).length &&
    named.size === (hasHeaderCopy || !named.has(FWD_HEADER_LENGTH_INDEX) ? FEATURE_COUNT : FEATURE_COUNT - 1);
  const shape = { keys, indices, complete, hasHeaderCopy, meter: detectMeter(keys) ?? 'original' };
  if (SHAPES.length >= SHAPE_LIMIT) SHAPES.pop();
  SHAPES.unshift(shape);
  return shape;
}

/**
 * A record whose keys are, in order, those of the last complete shape seen (the usual case: one sensor, one
 * shape): its values are read in one pass, without the bookkeeping that finds repeated and missing features (the
 * shape has none). Undefined when the record has another shape, or a value that is not a number.
 */
function fromKnownShape(input: Readonly<Record<string, unknown>>): Float64Array | undefined {
  const shape = SHAPES[0];
  if (!shape?.complete) return undefined;
  const { keys, indices } = shape;
  const names = Object.keys(input);
  if (names.length !== keys.length) return undefined;
  for (let k = 0; k < names.length; k++) if (names[k] !== keys[k]) return undefined;
  const raws = Object.values(input);
  const values = new Float64Array(FEATURE_COUNT);
  for (let k = 0; k < raws.length; k++) {
    const index = indices[k];
    if (index < 0) continue;
    const raw = raws[k];
    const value = typeof raw === 'number' ? raw : parseFeatureValue(raw);
    if (value === undefined) return undefined;
    values[index] = value;
  }
  if (!shape.hasHeaderCopy) values[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = values[FWD_HEADER_LENGTH_INDEX];
  harmoniseEncodings(values);
  return values;
}

function fromRecord(input: Readonly<Record<string, unknown>>, options: FeatureVectorOptions): FeatureVectorResult {
  const known = fromKnownShape(input);
  if (known) return { ok: true, values: known };
  const values = new Float64Array(FEATURE_COUNT);
  const seen = new Uint8Array(FEATURE_COUNT);
  let seenCount = 0;
  let errors: FieldError[] | null = null;
  const fail = (field: string, reason: string) => (errors ??= []).push({ field, reason });
  const keys = Object.keys(input);
  const raws = Object.values(input);
  const { indices, meter } = shapeOf(keys);
  for (let k = 0; k < keys.length; k++) {
    const index = indices[k];
    if (index < 0) {
      if (index === UNKNOWN_KEY && !options.allowUnknown) fail(keys[k], 'unknown feature');
      continue;
    }
    if (seen[index]) {
      fail(keys[k], `repeats feature ${FEATURE_NAMES[index]}`);
      continue;
    }
    seen[index] = 1;
    seenCount++;
    const raw = raws[k];
    const value = typeof raw === 'number' ? raw : parseFeatureValue(raw);
    if (value === undefined) fail(keys[k], 'must be a number');
    else values[index] = value;
  }
  if (!seen[FWD_HEADER_LENGTH_DUPLICATE_INDEX] && seen[FWD_HEADER_LENGTH_INDEX]) {
    seen[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = 1;
    seenCount++;
    values[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = values[FWD_HEADER_LENGTH_INDEX];
  }
  if (seenCount < FEATURE_COUNT) {
    const spelling = METERS.indexOf(meter) + 1;
    for (let i = 0; i < FEATURE_COUNT; i++) if (!seen[i]) fail(FEATURE_SPELLINGS[i][spelling], 'missing');
  }
  if (errors) return { ok: false, errors };
  harmoniseEncodings(values);
  return { ok: true, values };
}
