import {
  EXTRA_COLUMNS,
  FEATURE_SPELLINGS,
  FlowDialect,
  FlowMeter,
  META_SPELLINGS,
  METERS,
} from './flow-dialects';
import {
  FEATURE_COUNT,
  FEATURE_INDEX,
  FEATURE_NAMES,
  FWD_HEADER_LENGTH_DUPLICATE_INDEX,
  FWD_HEADER_LENGTH_INDEX,
  LABEL_FIELD,
  META_FIELDS,
  MetaKey,
} from './feature-names';

/**
 * Spelling-insensitive key of a column name: lower case, every run of characters other than letters and digits
 * becomes one `_`, no leading or trailing `_`. ` Flow Bytes/s`, `flow bytes/s` and `flow_bytes_s` share a key.
 */
export function headerKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Other spellings met in flow exports (snake-case keys of JSON producers), keyed by {@link headerKey}. */
const ALIASES: Record<string, string> = {
  src_ip: META_FIELDS.srcIp,
  dst_ip: META_FIELDS.dstIp,
  src_port: META_FIELDS.srcPort,
  dst_port: 'Destination Port',
  flow_id: META_FIELDS.flowId,
};

const EXTRA_NAMES: ReadonlySet<string> = new Set(METERS.flatMap((meter) => EXTRA_COLUMNS[meter]));

/** Canonical name by key: every dialect's spelling of the table in flow-dialects.ts, the label and the extras. */
const CANONICAL_BY_KEY: ReadonlyMap<string, string> = new Map([
  ...FEATURE_NAMES.map((name) => [headerKey(name), name] as const),
  ...[...FEATURE_SPELLINGS, ...META_SPELLINGS].flatMap(([canonical, ...spellings]) =>
    spellings.map((spelling) => [headerKey(spelling), canonical] as const),
  ),
  ...[...EXTRA_NAMES].map((name) => [headerKey(name), name] as const),
  [headerKey(LABEL_FIELD), LABEL_FIELD] as const,
  ...Object.entries(ALIASES),
]);

/** For each key, a bit per meter (in {@link METERS} order) that spells a column that way. */
const METER_BITS_BY_KEY: ReadonlyMap<string, number> = (() => {
  const bits = new Map<string, number>();
  const mark = (name: string, meter: number) => bits.set(headerKey(name), (bits.get(headerKey(name)) ?? 0) | (1 << meter));
  METERS.forEach((meter, m) => {
    for (const row of [...FEATURE_SPELLINGS, ...META_SPELLINGS]) mark(row[m + 1], m);
    for (const name of EXTRA_COLUMNS[meter]) mark(name, m);
  });
  return bits;
})();

const META_KEY_BY_NAME: ReadonlyMap<string, MetaKey> = new Map(
  (Object.entries(META_FIELDS) as [MetaKey, string][]).map(([key, name]) => [name, key]),
);

/**
 * Canonical name of a column or record key (a name of {@link FEATURE_NAMES}, a flow identity field such as
 * `Source IP`, or `Label`), whatever its spacing, case or punctuation; `undefined` when the name is not known.
 */
export function normaliseHeader(name: string): string | undefined {
  return CANONICAL_BY_KEY.get(headerKey(name));
}

/** Flow identity field (`srcIp`, `timestamp`, …) a canonical name stands for, if any. */
export function metaKeyOf(canonicalName: string): MetaKey | undefined {
  return META_KEY_BY_NAME.get(canonicalName);
}

/** Whether a canonical name is a column the model does not use (flow identity, label, a dialect's extra). */
export function isNonFeatureColumn(canonicalName: string): boolean {
  return canonicalName === LABEL_FIELD || META_KEY_BY_NAME.has(canonicalName) || EXTRA_NAMES.has(canonicalName);
}

/**
 * The meter whose spellings name the most of these columns (ties: original, then V4, then corrected);
 * `undefined` when none is named.
 */
export function detectMeter(names: Iterable<string>): FlowMeter | undefined {
  const scores = METERS.map(() => 0);
  for (const name of names) {
    const bits = METER_BITS_BY_KEY.get(headerKey(name)) ?? 0;
    for (let m = 0; m < scores.length; m++) if (bits & (1 << m)) scores[m]++;
  }
  const best = Math.max(...scores);
  return best > 0 ? METERS[scores.indexOf(best)] : undefined;
}

/** The dialect of a header or record's keys; the original meter's files with addresses are GeneratedLabelledFlows. */
export function detectDialect(names: readonly string[], hasAddresses: boolean): FlowDialect | undefined {
  switch (detectMeter(names)) {
    case 'original':
      return hasAddresses ? 'generated-labelled-flows' : 'machine-learning-cve';
    case 'v4':
      return 'cicflowmeter-v4';
    case 'corrected':
      return 'cicflowmeter-corrected';
    default:
      return undefined;
  }
}

export interface ColumnLayout {
  /** Dialect detected from the header's spellings; undefined when the header names no known column. */
  dialect: FlowDialect | undefined;
  /** For each canonical feature, the CSV column holding it, or -1. */
  featureColumns: Int32Array;
  metaColumns: Partial<Record<MetaKey, number>>;
  labelColumn: number;
  columnCount: number;
  /** Header cells that name nothing known. */
  unknown: string[];
  /** Known columns of the dialect that the model does not use (`ICMP Type`, `Attempted Category`, …). */
  extra: string[];
  /** Canonical features with no column. */
  missing: string[];
  /** Canonical names given by more than one column. */
  duplicated: string[];
}

/**
 * Maps a CSV header (any dialect of flow-dialects.ts) to canonical features and detects its dialect. A second `Fwd
 * Header Length` column is the duplicate `Fwd Header Length.1`; when no duplicate column exists the single one feeds
 * both features.
 */
export function resolveColumns(header: readonly string[]): ColumnLayout {
  const layout: ColumnLayout = {
    featureColumns: new Int32Array(FEATURE_COUNT).fill(-1),
    metaColumns: {},
    labelColumn: -1,
    columnCount: header.length,
    dialect: undefined,
    unknown: [],
    extra: [],
    missing: [],
    duplicated: [],
  };
  header.forEach((cell, column) => placeColumn(layout, cell, column));
  const cols = layout.featureColumns;
  if (cols[FWD_HEADER_LENGTH_DUPLICATE_INDEX] < 0) {
    cols[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = cols[FWD_HEADER_LENGTH_INDEX];
  }
  layout.missing = FEATURE_NAMES.filter((_, i) => cols[i] < 0);
  const m = layout.metaColumns;
  layout.dialect = detectDialect(header, m.srcIp !== undefined || m.dstIp !== undefined);
  return layout;
}

function placeColumn(layout: ColumnLayout, cell: string, column: number): void {
  const name = normaliseHeader(cell);
  if (name === undefined) {
    layout.unknown.push(cell);
    return;
  }
  if (name === LABEL_FIELD) {
    if (layout.labelColumn >= 0) layout.duplicated.push(name);
    else layout.labelColumn = column;
    return;
  }
  if (EXTRA_NAMES.has(name)) {
    layout.extra.push(cell);
    return;
  }
  const meta = metaKeyOf(name);
  if (meta !== undefined) {
    if (layout.metaColumns[meta] !== undefined) layout.duplicated.push(name);
    else layout.metaColumns[meta] = column;
    return;
  }
  let index = FEATURE_INDEX.get(name) as number;
  if (index === FWD_HEADER_LENGTH_INDEX && layout.featureColumns[index] >= 0) index = FWD_HEADER_LENGTH_DUPLICATE_INDEX;
  if (layout.featureColumns[index] >= 0) layout.duplicated.push(FEATURE_NAMES[index]);
  else layout.featureColumns[index] = column;
}
