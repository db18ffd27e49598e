import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from './feature-names';

/** A feature whose frequent exact values get one indicator column each (ports, TCP initial windows). */
export interface IndicatorSpec {
  feature: string;
  /** A value needs this many training rows to get a column. */
  minCount: number;
  /** At most this many columns, the most frequent values first. */
  maxValues: number;
}

export interface TransformFitOptions {
  indicators?: IndicatorSpec[];
  /** Features left out of the model input (listed with the dropped ones), e.g. ones a flow-meter bug broke. */
  exclude?: readonly string[];
}

export interface NumericColumn {
  feature: string;
  /** Replaces NaN (missing) values: the training median. */
  fill: number;
  /** Finite training range; ±Infinity is clipped to it. */
  lower: number;
  upper: number;
  /** Mean and standard deviation of signed log1p of the training values. */
  mean: number;
  std: number;
}

export interface IndicatorColumn {
  feature: string;
  values: number[];
}

export interface FittedTransformJSON {
  kind: 'signed-log1p-standard';
  formatVersion: 1;
  numeric: NumericColumn[];
  indicators: IndicatorColumn[];
  /** Features that are not model inputs: constant on the training data, or excluded by the training settings. */
  dropped: string[];
}

/** Default indicator columns: destination port and the TCP initial window sizes of both directions. */
export const DEFAULT_INDICATORS: IndicatorSpec[] = [
  { feature: 'Destination Port', minCount: 10, maxValues: 48 },
  { feature: 'Init_Win_bytes_forward', minCount: 10, maxValues: 48 },
  { feature: 'Init_Win_bytes_backward', minCount: 10, maxValues: 48 },
];

export const signedLog1p = (x: number): number => (x < 0 ? -Math.log1p(-x) : Math.log1p(x));

/**
 * Turns raw feature vectors (the 78 features in canonical order) into model input: every non-constant feature
 * as signed log1p then standard score (missing values imputed, infinities clipped to the training range), then
 * indicator columns for the frequent exact values of a few categorical features. Fitted on training rows only
 * and stored with the model as JSON.
 */
export class FittedTransform {
  readonly outputNames: readonly string[];
  /** For each output column, the index in FEATURE_NAMES of the raw feature it comes from. */
  readonly outputSources: Int32Array;
  private readonly numericIndex: Int32Array;
  private readonly indicatorIndex: Int32Array;
  private readonly indicatorLookup: Map<number, number>[];
  /** Output of each numeric column for a raw 0, the most common value in flows (no logarithm to compute). */
  private readonly numericAtZero: Float64Array;

  private constructor(private readonly spec: FittedTransformJSON) {
    this.numericIndex = Int32Array.from(spec.numeric, (c) => featureIndexOf(c.feature));
    this.numericAtZero = Float64Array.from(spec.numeric, (c) => scaleValue(0, c));
    this.indicatorIndex = Int32Array.from(spec.indicators, (c) => featureIndexOf(c.feature));
    this.indicatorLookup = spec.indicators.map((c) => new Map(c.values.map((v, k) => [v, k])));
    const names = spec.numeric.map((c) => c.feature);
    const sources = Array.from(this.numericIndex);
    spec.indicators.forEach((c, k) => {
      c.values.forEach((v) => names.push(`${c.feature}=${v}`));
      c.values.forEach(() => sources.push(this.indicatorIndex[k]));
    });
    this.outputNames = names;
    this.outputSources = Int32Array.from(sources);
  }

  static fit(rows: readonly ArrayLike<number>[], options: TransformFitOptions = {}): FittedTransform {
    if (rows.length === 0) throw new Error('cannot fit a transform on no rows');
    const numeric: NumericColumn[] = [];
    const dropped: string[] = [];
    const excluded = new Set(options.exclude ?? []);
    excluded.forEach(featureIndexOf);
    for (let j = 0; j < FEATURE_COUNT; j++) {
      if (excluded.has(FEATURE_NAMES[j])) {
        dropped.push(FEATURE_NAMES[j]);
        continue;
      }
      const column = fitNumericColumn(rows, j);
      if (column.std > 1e-9) numeric.push(column);
      else dropped.push(FEATURE_NAMES[j]);
    }
    const specs = (options.indicators ?? []).filter((spec) => !excluded.has(spec.feature));
    const indicators = specs.map((spec) => fitIndicator(rows, spec));
    return new FittedTransform({ kind: 'signed-log1p-standard', formatVersion: 1, numeric, indicators, dropped });
  }

  static fromJSON(json: FittedTransformJSON): FittedTransform {
    if (json.kind !== 'signed-log1p-standard' || json.formatVersion !== 1) {
      throw new Error(`unsupported transform ${String(json.kind)} v${String(json.formatVersion)}`);
    }
    return new FittedTransform(structuredClone(json));
  }

  toJSON(): FittedTransformJSON {
    return structuredClone(this.spec);
  }

  get outputSize(): number {
    return this.outputNames.length;
  }

  get droppedFeatures(): readonly string[] {
    return this.spec.dropped;
  }

  /** Model input of one raw vector, written to `out` at `offset` (a new array when `out` is not given). */
  apply(raw: ArrayLike<number>, out?: Float32Array, offset = 0): Float32Array {
    const target = out ?? new Float32Array(this.outputSize);
    const numeric = this.spec.numeric;
    for (let k = 0; k < numeric.length; k++) {
      const x = raw[this.numericIndex[k]];
      target[offset + k] = x === 0 ? this.numericAtZero[k] : scaleValue(x, numeric[k]);
    }
    let base = offset + numeric.length;
    for (let k = 0; k < this.indicatorLookup.length; k++) {
      const lookup = this.indicatorLookup[k];
      target.fill(0, base, base + lookup.size);
      const hit = lookup.get(raw[this.indicatorIndex[k]]);
      if (hit !== undefined) target[base + hit] = 1;
      base += lookup.size;
    }
    return target;
  }

  /** Model input of many raw vectors, row-major (`rows.length × outputSize`). */
  applyBatch(rows: readonly ArrayLike<number>[]): Float32Array {
    const width = this.outputSize;
    const out = new Float32Array(rows.length * width);
    rows.forEach((row, i) => this.apply(row, out, i * width));
    return out;
  }
}

function featureIndexOf(name: string): number {
  const index = FEATURE_INDEX.get(name);
  if (index === undefined) throw new Error(`unknown feature ${name} in transform`);
  return index;
}

function cleanValue(x: number, column: Pick<NumericColumn, 'fill' | 'lower' | 'upper'>): number {
  if (Number.isNaN(x)) return column.fill;
  if (x > column.upper) return column.upper;
  if (x < column.lower) return column.lower;
  return x;
}

function scaleValue(x: number, column: NumericColumn): number {
  return (signedLog1p(cleanValue(x, column)) - column.mean) / column.std;
}

function fitNumericColumn(rows: readonly ArrayLike<number>[], j: number): NumericColumn {
  const finite: number[] = [];
  for (const row of rows) if (Number.isFinite(row[j])) finite.push(row[j]);
  finite.sort((a, b) => a - b);
  const bounds = finite.length
    ? { fill: finite[finite.length >> 1], lower: finite[0], upper: finite[finite.length - 1] }
    : { fill: 0, lower: 0, upper: 0 };
  let sum = 0;
  let sumSq = 0;
  for (const row of rows) {
    const y = signedLog1p(cleanValue(row[j], bounds));
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / rows.length;
  const std = Math.sqrt(Math.max(0, sumSq / rows.length - mean * mean));
  return { feature: FEATURE_NAMES[j], ...bounds, mean, std };
}

function fitIndicator(rows: readonly ArrayLike<number>[], spec: IndicatorSpec): IndicatorColumn {
  const j = featureIndexOf(spec.feature);
  const counts = new Map<number, number>();
  for (const row of rows) if (Number.isFinite(row[j])) counts.set(row[j], (counts.get(row[j]) ?? 0) + 1);
  const values = [...counts.entries()]
    .filter(([, n]) => n >= spec.minCount)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, spec.maxValues)
    .map(([v]) => v)
    .sort((a, b) => a - b);
  return { feature: spec.feature, values };
}
