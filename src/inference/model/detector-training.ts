import { DEFAULT_INDICATORS, FittedTransform, IndicatorSpec } from '../../core/features/fitted-transform';
import { BENIGN_LABEL, isWebAttack, WEB_ATTACK_PREFIX } from '../../core/features/label-normaliser';
import { ClassificationReport, ConfusionMatrix } from './classification-metrics';
import { DetectionModel } from './detection-model';
import { scoreQuantile } from './domain-boundary';
import { IsolationForest } from './isolation-forest';
import { EpochRecord, LabelledMatrix, trainMlp, TrainOptions } from './mlp-trainer';
import { LabelledFlows, toMatrix } from './training-data';

/**
 * Features the original CICFlowMeter computed wrongly (Engelen, Rimmer, Joosen 2021), so that the original and
 * the corrected meter give unrelated values for flows of the same class: a model that uses them learns one
 * extraction's artifacts. Leaving them out raised the transfer figures (docs/training.md).
 */
export const FLOW_METER_ARTIFACTS: readonly string[] = [
  // per-flow flag counts: the corrected meter counts flagged packets (median ACK count 11 per flow of the
  // corrected training file), the original's values do not follow the packets' flags (median 0)
  ...['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'CWE', 'ECE'].map((flag) => `${flag} Flag Count`),
  'Fwd PSH Flags',
  'Bwd PSH Flags', // always 0 in the original
  'Fwd URG Flags',
  'Bwd URG Flags', // always 0 in the original
  // the original's subflow figures are copies of the totals; the corrected meter divides by the subflow count
  'Subflow Fwd Packets',
  'Subflow Fwd Bytes',
  'Subflow Bwd Packets',
  'Subflow Bwd Bytes',
  // bulk statistics: always 0 in the original
  'Fwd Avg Bytes/Bulk',
  'Fwd Avg Packets/Bulk',
  'Fwd Avg Bulk Rate',
  'Bwd Avg Bytes/Bulk',
  'Bwd Avg Packets/Bulk',
  'Bwd Avg Bulk Rate',
  'Down/Up Ratio', // an integer division in the original
  'Fwd Header Length.1', // the original's second copy of Fwd Header Length
];

/** Whether `excluded` leaves every one of {@link FLOW_METER_ARTIFACTS} out of the model input. */
export function leavesOutFlowMeterArtifacts(excluded: readonly string[]): boolean {
  return FLOW_METER_ARTIFACTS.every((feature) => excluded.includes(feature));
}

/** Settings of one training; the defaults are the ones the shipped model was trained with. */
export interface DetectorSettings {
  seed: number;
  epochs: number;
  patience: number;
  restoreBest: boolean;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  classWeightPower: number;
  hidden: number;
  blocks: number;
  dropout: number;
  indicators: IndicatorSpec[];
  /** Features kept out of the model input (see {@link FLOW_METER_ARTIFACTS}). */
  excludedFeatures: string[];
  forestTrees: number;
  forestSampleSize: number;
  /** Share of benign training flows scored below the anomaly threshold. */
  anomalyQuantile: number;
  /** Share of all training flows scored below the domain boundary (see `domain-boundary.ts`). */
  domainQuantile: number;
  /** τ of the logit adjustment: offsets τ·(−log class prior) favour rare classes at prediction time. */
  logitAdjustment: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  seed: 42,
  epochs: 30,
  patience: 10,
  restoreBest: false,
  batchSize: 256,
  learningRate: 2e-3,
  learningRateDecay: 0.9,
  classWeightPower: 0.25,
  hidden: 96,
  blocks: 1,
  dropout: 0.1,
  indicators: DEFAULT_INDICATORS,
  excludedFeatures: [...FLOW_METER_ARTIFACTS],
  forestTrees: 100,
  forestSampleSize: 256,
  anomalyQuantile: 0.9995,
  domainQuantile: 0.99,
  logitAdjustment: 0.2,
};

export interface TrainingHooks {
  onBatch?: TrainOptions['onBatch'];
  onEpoch?: TrainOptions['onEpoch'];
}

export interface FittedDetector {
  model: DetectionModel;
  history: EpochRecord[];
  bestEpoch: number;
  /** Epoch whose weights the model holds: the epoch count to reuse when refitting on all rows. */
  keptEpoch: number;
  /** Share of each class among the training rows. */
  priors: number[];
}

export function classPriors(y: Int32Array, classCount: number): number[] {
  const counts = new Array(classCount).fill(0);
  y.forEach((c) => counts[c]++);
  return counts.map((n) => n / y.length);
}

/**
 * Fits everything a model version holds on `train` only: the transform, the MLP (early stopping on `val` when
 * given), and the Isolation Forest on the benign training flows with its threshold.
 */
export async function fitDetector(
  train: LabelledFlows,
  val: LabelledFlows | undefined,
  classes: string[],
  settings: DetectorSettings,
  hooks: TrainingHooks = {},
): Promise<FittedDetector> {
  const transform = FittedTransform.fit(train.features, {
    indicators: settings.indicators,
    exclude: settings.excludedFeatures,
  });
  const trainMatrix = toMatrix(train, transform, classes);
  const result = await trainMlp(trainMatrix, val && toMatrix(val, transform, classes), {
    classCount: classes.length,
    seed: settings.seed,
    epochs: settings.epochs,
    patience: settings.patience,
    restoreBest: settings.restoreBest,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    learningRateDecay: settings.learningRateDecay,
    classWeightPower: settings.classWeightPower,
    architecture: { hidden: settings.hidden, blocks: settings.blocks, dropout: settings.dropout },
    ...hooks,
  });
  const { forest, threshold, domain } = fitAnomalyDetector(trainMatrix, classes.indexOf(BENIGN_LABEL), settings);
  const priors = classPriors(trainMatrix.y, classes.length);
  const model = new DetectionModel({
    network: result.model,
    transform,
    labels: classes,
    forest,
    anomalyThreshold: threshold,
    domain,
    logitOffsets: priors.map((p) => (p > 0 ? -settings.logitAdjustment * Math.log(p) : 0)),
  });
  return { model, history: result.history, bestEpoch: result.bestEpoch, keptEpoch: result.keptEpoch, priors };
}

function fitAnomalyDetector(data: LabelledMatrix, benign: number, settings: DetectorSettings) {
  const rows: number[] = [];
  data.y.forEach((c, i) => (c === benign || benign < 0) && rows.push(i));
  const x = new Float32Array(rows.length * data.width);
  rows.forEach((r, i) => x.set(data.x.subarray(r * data.width, (r + 1) * data.width), i * data.width));
  const forest = IsolationForest.fit(x, data.width, {
    trees: settings.forestTrees,
    sampleSize: settings.forestSampleSize,
    seed: settings.seed,
  });
  const scores = Array.from(forest.scoreBatch(x)).sort((a, b) => a - b);
  const threshold = scoreQuantile(scores, settings.anomalyQuantile);
  // the domain is every kind of flow the model was trained on, attacks included, not only the benign ones
  const all = Array.from(forest.scoreBatch(data.x, data.width)).sort((a, b) => a - b);
  const domain = { quantile: settings.domainQuantile, threshold: scoreQuantile(all, settings.domainQuantile) };
  return { forest, threshold, domain };
}

export interface EvaluationReport extends ClassificationReport {
  /** Macro-F1 with the three Web Attack classes counted as one. */
  macroF1WebMerged: number;
}

export const mergeWebAttacks = (label: string): string => (isWebAttack(label) ? WEB_ATTACK_PREFIX : label);

export function evaluationReport(confusion: ConfusionMatrix): EvaluationReport {
  return { ...confusion.report(), macroF1WebMerged: confusion.merged(mergeWebAttacks).report().macroF1 };
}

/** Predicts labelled flows in batches and tallies true against predicted classes. */
export async function confusionOn(
  model: DetectionModel,
  flows: LabelledFlows,
  batchSize = 1024,
): Promise<ConfusionMatrix> {
  const confusion = new ConfusionMatrix(model.labels);
  for (let start = 0; start < flows.features.length; start += batchSize) {
    const batch = flows.features.slice(start, start + batchSize);
    const predictions = await model.predict(batch, { explain: false });
    predictions.forEach((p, i) => confusion.add(flows.labels[start + i], p.label));
  }
  return confusion;
}
