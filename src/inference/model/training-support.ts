import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_INDEX } from '../../core/features/feature-names';
import { BENIGN_LABEL } from '../../core/features/label-normaliser';

/** File beside a model version: its training rows per IP protocol and class (written by `model:train`). */
export const TRAINING_SUPPORT_FILE = 'training-support.json';

/**
 * Held-out rows a class needs on a protocol before the model may give it to that protocol's flows: fewer, and the
 * published figures never measured the class there. With five folds, that is 50 training rows.
 */
export const MIN_HELD_OUT_ROWS = 10;

export interface TrainingSupportFile {
  formatVersion: 1;
  /** Training rows counted (the manifest's `training.rows`). */
  rows: number;
  /** Rows of no known protocol (a flow meter without a protocol column, and no TCP flag counted): not counted below. */
  unknownProtocolRows: number;
  /** Training rows a class needs on a protocol for the model's verdicts of that class on it to stand. */
  minClassRows: number;
  /** IP protocol number → class → training rows. */
  protocols: Record<string, Record<string, number>>;
}

/** One training row as far as support is concerned: its class, its protocol if the file says, its raw features. */
export interface SupportRow {
  label: string;
  protocol: number | null | undefined;
  features: ArrayLike<number>;
}

const TCP = 6;
const TCP_FLAG_INDEX = ['FIN Flag Count', 'SYN Flag Count', 'RST Flag Count', 'PSH Flag Count', 'ACK Flag Count', 'URG Flag Count'].map(
  (name) => FEATURE_INDEX.get(name)!,
);

/**
 * A row's IP protocol: the file's protocol column, else TCP when a TCP flag was counted (only TCP has them), else
 * unknown (the original MachineLearningCVE files have no protocol column).
 */
export function protocolOfRow(row: Pick<SupportRow, 'protocol' | 'features'>): number | null {
  if (row.protocol !== undefined && row.protocol !== null) return row.protocol;
  return TCP_FLAG_INDEX.some((j) => row.features[j] > 0) ? TCP : null;
}

/** Counts the training rows per protocol and class; `folds` is the number of evaluation folds (1 / holdout). */
export function countTrainingSupport(rows: Iterable<SupportRow>, folds = 5): TrainingSupportFile {
  const protocols: Record<string, Record<string, number>> = {};
  let total = 0;
  let unknown = 0;
  for (const row of rows) {
    total++;
    const protocol = protocolOfRow(row);
    if (protocol === null) {
      unknown++;
      continue;
    }
    const classes = (protocols[protocol] ??= {});
    classes[row.label] = (classes[row.label] ?? 0) + 1;
  }
  return { formatVersion: 1, rows: total, unknownProtocolRows: unknown, minClassRows: MIN_HELD_OUT_ROWS * folds, protocols };
}

/** The rows of labelled flows as support rows (`protocols` as read by {@link readLabelledFlows}). */
export function* supportRowsOf(flows: { features: ArrayLike<number>[]; labels: string[]; protocols?: (number | null)[] }): Iterable<SupportRow> {
  for (let i = 0; i < flows.labels.length; i++) {
    yield { label: flows.labels[i], protocol: flows.protocols?.[i], features: flows.features[i] };
  }
}

export async function writeTrainingSupport(dir: string, support: TrainingSupportFile): Promise<void> {
  await fs.writeFile(join(dir, TRAINING_SUPPORT_FILE), `${JSON.stringify(support, null, 1)}\n`);
}

/** The support file of the model version in `dir`, or null for a version trained before it was written. */
export async function readTrainingSupport(dir: string): Promise<TrainingSupportFile | null> {
  try {
    return JSON.parse(await fs.readFile(join(dir, TRAINING_SUPPORT_FILE), 'utf8')) as TrainingSupportFile;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Which classes a model may give a flow of a given IP protocol: BENIGN always; an attack class when the training
 * data held at least `minClassRows` rows of it on that protocol, or when that protocol holds more of the class's
 * rows than any other (a class rare everywhere, such as Heartbleed, stands where it was seen). A protocol the
 * training data never showed (ICMPv6, IGMP, ...) allows BENIGN alone. A flow of unknown protocol is not restricted.
 */
export class TrainingSupport {
  private readonly allowedByProtocol = new Map<number, boolean[]>();
  private readonly none: boolean[];

  constructor(
    readonly file: TrainingSupportFile,
    readonly labels: readonly string[],
  ) {
    this.none = labels.map((label) => label === BENIGN_LABEL);
    const most = new Map<string, number>();
    for (const classes of Object.values(file.protocols)) {
      for (const [label, rows] of Object.entries(classes)) most.set(label, Math.max(most.get(label) ?? 0, rows));
    }
    for (const [protocol, classes] of Object.entries(file.protocols)) {
      const supported = (label: string, rows = classes[label] ?? 0) => rows > 0 && (rows >= file.minClassRows || rows === most.get(label));
      this.allowedByProtocol.set(Number(protocol), labels.map((label) => label === BENIGN_LABEL || supported(label)));
    }
  }

  /** Per class (in label order), whether a flow of `protocol` may get it; null: every class (protocol unknown). */
  allowed(protocol: number | null | undefined): readonly boolean[] | null {
    if (protocol === null || protocol === undefined) return null;
    return this.allowedByProtocol.get(protocol) ?? this.none;
  }

  /** Training rows of `label` on `protocol`. */
  rowsOf(protocol: number, label: string): number {
    return this.file.protocols[protocol]?.[label] ?? 0;
  }
}
