import {
  FEATURE_COUNT,
  FEATURE_INDEX,
  FEATURE_NAMES,
  FWD_HEADER_LENGTH_DUPLICATE_INDEX,
  FWD_HEADER_LENGTH_INDEX,
} from './feature-names';
import { metaKeyOf, normaliseHeader } from './header-normaliser';

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
 * Raw feature vector in {@link FEATURE_NAMES} order from a record keyed by any spelling of the feature names
 * (` Flow Duration`, `flow_duration`, …) or from an array of the 78 values in that order. Flow identity and
 * label keys are accepted and ignored. A record without `Fwd Header Length.1` takes it from `Fwd Header Length`
 * (the two columns are copies). Missing, unknown, repeated and non-numeric features are reported per field.
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
  return errors.length ? { ok: false, errors } : { ok: true, values };
}

function fromRecord(input: Readonly<Record<string, unknown>>, options: FeatureVectorOptions): FeatureVectorResult {
  const values = new Float64Array(FEATURE_COUNT);
  const seen = new Uint8Array(FEATURE_COUNT);
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const name = normaliseHeader(key);
    const index = name === undefined ? undefined : FEATURE_INDEX.get(name);
    if (index === undefined) {
      const known = name !== undefined && (metaKeyOf(name) !== undefined || name === 'Label');
      if (!known && !options.allowUnknown) errors.push({ field: key, reason: 'unknown feature' });
      continue;
    }
    if (seen[index]) {
      errors.push({ field: key, reason: `repeats feature ${FEATURE_NAMES[index]}` });
      continue;
    }
    seen[index] = 1;
    const value = parseFeatureValue(raw);
    if (value === undefined) errors.push({ field: key, reason: 'must be a number' });
    else values[index] = value;
  }
  if (!seen[FWD_HEADER_LENGTH_DUPLICATE_INDEX] && seen[FWD_HEADER_LENGTH_INDEX]) {
    seen[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = 1;
    values[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = values[FWD_HEADER_LENGTH_INDEX];
  }
  FEATURE_NAMES.forEach((name, i) => {
    if (!seen[i]) errors.push({ field: name, reason: 'missing' });
  });
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
