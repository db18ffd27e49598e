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

/** Other spellings met in CICFlowMeter exports, keyed by {@link headerKey}. */
const ALIASES: Record<string, string> = {
  src_ip: META_FIELDS.srcIp,
  dst_ip: META_FIELDS.dstIp,
  src_port: META_FIELDS.srcPort,
  dst_port: 'Destination Port',
  flow_id: META_FIELDS.flowId,
};

const CANONICAL_BY_KEY: ReadonlyMap<string, string> = new Map([
  ...FEATURE_NAMES.map((name) => [headerKey(name), name] as const),
  ...Object.values(META_FIELDS).map((name) => [headerKey(name), name] as const),
  [headerKey(LABEL_FIELD), LABEL_FIELD] as const,
  ...Object.entries(ALIASES),
]);

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

export interface ColumnLayout {
  /** For each canonical feature, the CSV column holding it, or -1. */
  featureColumns: Int32Array;
  metaColumns: Partial<Record<MetaKey, number>>;
  labelColumn: number;
  columnCount: number;
  /** Header cells that name nothing known. */
  unknown: string[];
  /** Canonical features with no column. */
  missing: string[];
  /** Canonical names given by more than one column. */
  duplicated: string[];
}

/**
 * Maps a CSV header (either published format) to canonical features. A second `Fwd Header Length` column is
 * the duplicate `Fwd Header Length.1`; when no duplicate column exists the single one feeds both features.
 */
export function resolveColumns(header: readonly string[]): ColumnLayout {
  const layout: ColumnLayout = {
    featureColumns: new Int32Array(FEATURE_COUNT).fill(-1),
    metaColumns: {},
    labelColumn: -1,
    columnCount: header.length,
    unknown: [],
    missing: [],
    duplicated: [],
  };
  header.forEach((cell, column) => placeColumn(layout, cell, column));
  const cols = layout.featureColumns;
  if (cols[FWD_HEADER_LENGTH_DUPLICATE_INDEX] < 0) {
    cols[FWD_HEADER_LENGTH_DUPLICATE_INDEX] = cols[FWD_HEADER_LENGTH_INDEX];
  }
  layout.missing = FEATURE_NAMES.filter((_, i) => cols[i] < 0);
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
