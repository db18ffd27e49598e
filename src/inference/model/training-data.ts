import { FlowCsvReader, FlowCsvStats } from '../pipeline/flow-csv-reader';
import { FittedTransform } from '../pipeline/fitted-transform';
import { BENIGN_LABEL } from '../pipeline/label-normaliser';
import { LabelledMatrix } from './mlp-trainer';

/** Labelled raw flows held in memory for training. */
export interface LabelledFlows {
  features: Float64Array[];
  labels: string[];
}

export async function readLabelledFlows(path: string): Promise<LabelledFlows & { stats: FlowCsvStats }> {
  const reader = new FlowCsvReader(path);
  const features: Float64Array[] = [];
  const labels: string[] = [];
  for await (const row of reader.rows()) {
    features.push(row.features);
    labels.push(row.label as string);
  }
  return { features, labels, stats: reader.stats };
}

/** Class names in model output order: BENIGN first, then the others alphabetically. */
export function classNamesOf(labels: readonly string[]): string[] {
  const names = [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en'));
  return names.includes(BENIGN_LABEL) ? [BENIGN_LABEL, ...names.filter((n) => n !== BENIGN_LABEL)] : names;
}

export function subset(flows: LabelledFlows, rows: readonly number[]): LabelledFlows {
  return { features: rows.map((i) => flows.features[i]), labels: rows.map((i) => flows.labels[i]) };
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
