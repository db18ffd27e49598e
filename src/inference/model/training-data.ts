import { FlowDialect, FlowMeter } from '../../core/features/flow-dialects';
import { FlowCsvReader, FlowCsvStats } from '../../core/features/flow-csv-reader';
import { FittedTransform } from '../../core/features/fitted-transform';
import { BENIGN_LABEL } from '../../core/features/label-normaliser';
import { LabelledMatrix } from './mlp-trainer';

/** Labelled raw flows held in memory for training. */
export interface LabelledFlows {
  features: Float64Array[];
  labels: string[];
  /** Name of the data source of each row, when the flows come from several. */
  sources?: string[];
  /** IP protocol of each row when its file has a protocol column (null otherwise), as read. */
  protocols?: (number | null)[];
}

/** One training data set: a CSV file or directory, named for the per-source figures (`original`, `corrected`). */
export interface DataSource {
  name?: string;
  path: string;
}

export interface SourceStats extends FlowCsvStats {
  name: string;
  path: string;
  classes: Record<string, number>;
}

export async function readLabelledFlows(
  path: string,
): Promise<LabelledFlows & { protocols: (number | null)[]; stats: FlowCsvStats }> {
  const reader = new FlowCsvReader(path);
  const features: Float64Array[] = [];
  const labels: string[] = [];
  const protocols: (number | null)[] = [];
  for await (const row of reader.rows()) {
    features.push(row.features);
    labels.push(row.label as string);
    protocols.push(row.meta.protocol ?? null);
  }
  return { features, labels, protocols, stats: reader.stats };
}

/** A data source from a `--data` argument: `name=path`, or a bare path (named after its flow meter once read). */
export function parseDataSource(argument: string): DataSource {
  const match = /^([A-Za-z][\w.-]*)=(.+)$/.exec(argument);
  return match ? { name: match[1], path: match[2] } : { path: argument };
}

/** Name of an unnamed source: the flow meter that wrote it (`original`, `v4`, `corrected`), else `data`. */
function meterName(dialects: readonly FlowDialect[]): string {
  const meters = [...new Set(dialects.map((d) => METER_OF_DIALECT[d]))];
  return meters.length === 1 ? meters[0] : 'data';
}

const METER_OF_DIALECT: Record<FlowDialect, FlowMeter> = {
  'machine-learning-cve': 'original',
  'generated-labelled-flows': 'original',
  'cicflowmeter-v4': 'v4',
  'cicflowmeter-corrected': 'corrected',
};

/** The union of several data sources, each row tagged with its source's name. */
export async function readDataSources(
  sources: readonly DataSource[],
): Promise<LabelledFlows & { sources: string[]; protocols: (number | null)[]; stats: SourceStats[] }> {
  const union = { features: [] as Float64Array[], labels: [] as string[], sources: [] as string[], protocols: [] as (number | null)[] };
  const stats: SourceStats[] = [];
  for (const source of sources) {
    const flows = await readLabelledFlows(source.path);
    const name = source.name ?? meterName(flows.stats.dialects);
    if (stats.some((s) => s.name === name)) {
      throw new Error(`two data sources are named ${name}: name them with --data name=path`);
    }
    const classes: Record<string, number> = {};
    for (const label of flows.labels) classes[label] = (classes[label] ?? 0) + 1;
    flows.features.forEach((row, i) => {
      union.features.push(row);
      union.labels.push(flows.labels[i]);
      union.sources.push(name);
      union.protocols.push(flows.protocols[i]);
    });
    stats.push({ ...flows.stats, name, path: source.path, classes });
  }
  return { ...union, stats };
}

/** Class names in model output order: BENIGN first, then the others alphabetically. */
export function classNamesOf(labels: readonly string[]): string[] {
  const names = [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en'));
  return names.includes(BENIGN_LABEL) ? [BENIGN_LABEL, ...names.filter((n) => n !== BENIGN_LABEL)] : names;
}

export function subset(flows: LabelledFlows, rows: readonly number[]): LabelledFlows {
  const picked: LabelledFlows = { features: rows.map((i) => flows.features[i]), labels: rows.map((i) => flows.labels[i]) };
  const sources = flows.sources;
  if (sources) picked.sources = rows.map((i) => sources[i]);
  return picked;
}

/** The rows of each source, in source order of first appearance (one unnamed source when there are none). */
export function rowsBySource(flows: LabelledFlows): Map<string, number[]> {
  const bySource = new Map<string, number[]>();
  flows.labels.forEach((_, i) => {
    const name = flows.sources?.[i] ?? '';
    const rows = bySource.get(name);
    if (rows) rows.push(i);
    else bySource.set(name, [i]);
  });
  return bySource;
}

/** Stratum of each row, source and class together, as an integer for the stratified splits. */
export function strataOf(flows: LabelledFlows): number[] {
  const index = new Map<string, number>();
  return flows.labels.map((label, i) => {
    const key = `${flows.sources?.[i] ?? ''}\u0000${label}`;
    let k = index.get(key);
    if (k === undefined) index.set(key, (k = index.size));
    return k;
  });
}

/** Model input and class indices of labelled flows; labels outside `classNames` are an error. */
export function toMatrix(
  flows: LabelledFlows,
  transform: FittedTransform,
  classNames: readonly string[],
): LabelledMatrix {
  const index = new Map(classNames.map((name, k) => [name, k]));
  const y = Int32Array.from(flows.labels, (label) => {
    const k = index.get(label);
    if (k === undefined) throw new Error(`label ${label} is not a model class`);
    return k;
  });
  return { x: transform.applyBatch(flows.features), y, width: transform.outputSize };
}

/** Each row's feature vector as a key: rows with identical vectors (a port scan repeats one) share it. */
export function featureGroupsOf(flows: LabelledFlows): string[] {
  return flows.features.map((row) => row.join(','));
}
