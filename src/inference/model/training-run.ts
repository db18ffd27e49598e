import { basename } from 'node:path';
import { FlowCsvStats } from '../pipeline/flow-csv-reader';
import { activeBackend } from './backend-selector';
import { concatHeldOut, HeldOutLogits, tuneLogitOffsets } from './decision-tuning';
import { DetectionModel } from './detection-model';
import {
  confusionOn,
  DEFAULT_DETECTOR_SETTINGS,
  DetectorSettings,
  evaluationReport,
  fitDetector,
  FittedDetector,
  TrainingHooks,
} from './detector-training';
import { ModelManifest, saveDetectionModel } from './model-artifact';
import { predictLogits } from './mlp-trainer';
import { confusionMatrixSvg, trainingCurvesSvg } from './report-charts';
import { SeededRandom, stratifiedFolds, stratifiedSplit } from './seeded-random';
import { buildTrainingMetrics, SeedEvaluation, TrainingMetrics } from './training-metrics';
import { classNamesOf, LabelledFlows, readLabelledFlows, subset } from './training-data';

export interface TrainingRunOptions {
  /** CSV file or directory of CSV files. */
  data: string;
  out: string;
  settings?: Partial<DetectorSettings>;
  /** Evaluation runs (seeds `seed`, `seed + 1`, …) before the final model. Default 3. */
  evaluationSeeds?: number;
  /** Share of each class held out per evaluation run; the held-out parts of the runs are disjoint. Default 0.2. */
  holdout?: number;
  /** Share of the remaining rows used for early stopping. Default 0.1. */
  validation?: number;
  hooks?: TrainingHooks & { onPhase?: (phase: string) => void };
}

interface EvaluationRun {
  seed: number;
  fitted: FittedDetector;
  heldOut: LabelledFlows;
  logits: HeldOutLogits;
}

/**
 * Reproducible training of a model version.
 *
 * 1. The rows are dealt into disjoint stratified folds (1 / holdout of them); evaluation run k (seed + k) holds
 *    out fold k, fits a model on the rest (early stopping on a further stratified validation split) and keeps its
 *    logits on the held-out rows.
 * 2. Each run's decision offsets are tuned for macro-F1 on the other runs' held-out logits only, then the run is
 *    scored on its own held-out rows: the reported figures never saw those rows' labels.
 * 3. The final model is fitted on all rows for the median epoch count of the runs, its offsets are tuned on all
 *    runs' held-out logits, and it is written to `out` with the metrics, their spread and two pictures.
 */
export async function runTraining(
  options: TrainingRunOptions,
): Promise<{ manifest: ModelManifest; metrics: TrainingMetrics }> {
  const settings = { ...DEFAULT_DETECTOR_SETTINGS, ...options.settings };
  const hooks = options.hooks ?? {};
  hooks.onPhase?.(`reading ${options.data}`);
  const flows = await readLabelledFlows(options.data);
  const classes = classNamesOf(flows.labels);
  const classOf = (labels: string[]) => labels.map((l) => classes.indexOf(l));
  const foldCount = Math.round(1 / (options.holdout ?? 0.2));
  const folds = stratifiedFolds(classOf(flows.labels), foldCount, new SeededRandom(settings.seed));
  const runs: EvaluationRun[] = [];
  for (let k = 0; k < Math.min(options.evaluationSeeds ?? 3, folds.length); k++) {
    hooks.onPhase?.(`evaluation run ${k + 1}: seed ${settings.seed + k}, held-out fold ${k + 1} of ${folds.length}`);
    runs.push(await evaluationRun(flows, folds, k, classes, { ...settings, seed: settings.seed + k }, options));
  }
  const evaluations = await scoreRuns(runs, classes.length);
  const epochs = runs.length ? median(runs.map((r) => r.fitted.keptEpoch)) : settings.epochs;
  hooks.onPhase?.(`final model: all ${flows.labels.length} rows, ${epochs} epochs`);
  const final = await fitDetector(flows, undefined, classes, { ...settings, epochs }, hooks);
  const start = final.model.parts.logitOffsets;
  const pooled = concatHeldOut(runs.map((r) => r.logits));
  const offsets = runs.length ? tuneLogitOffsets(pooled, classes.length, start) : start;
  const shipped = new DetectionModel({ ...final.model.parts, logitOffsets: offsets });
  try {
    return await save(shipped, final, evaluations, { ...options, settings }, flows.stats, epochs, start);
  } finally {
    shipped.dispose();
  }
}

async function evaluationRun(
  flows: LabelledFlows,
  folds: number[][],
  k: number,
  classes: string[],
  settings: DetectorSettings,
  options: TrainingRunOptions,
): Promise<EvaluationRun> {
  const fitRows = folds.flatMap((fold, j) => (j === k ? [] : fold));
  const fitPart = subset(flows, fitRows);
  const inner = stratifiedSplit(
    fitPart.labels.map((l) => classes.indexOf(l)),
    options.validation ?? 0.1,
    new SeededRandom(settings.seed),
  );
  const [train, val] = [subset(fitPart, inner.train), subset(fitPart, inner.test)];
  const fitted = await fitDetector(train, val, classes, settings, options.hooks);
  const heldOut = subset(flows, folds[k]);
  const { network, transform } = fitted.model.parts;
  const logits = predictLogits(network, transform.applyBatch(heldOut.features), transform.outputSize);
  const y = Int32Array.from(heldOut.labels, (l) => classes.indexOf(l));
  return { seed: settings.seed, fitted, heldOut, logits: { logits, y } };
}

/** Scores each run on its own held-out fold with offsets tuned on the other runs' folds; disposes their models. */
async function scoreRuns(runs: EvaluationRun[], classCount: number): Promise<SeedEvaluation[]> {
  const evaluations: SeedEvaluation[] = [];
  for (const run of runs) {
    const others = runs.filter((r) => r !== run).map((r) => r.logits);
    const start = run.fitted.model.parts.logitOffsets;
    const offsets = others.length ? tuneLogitOffsets(concatHeldOut(others), classCount, start) : start;
    const model = new DetectionModel({ ...run.fitted.model.parts, logitOffsets: offsets });
    try {
      const report = evaluationReport(await confusionOn(model, run.heldOut));
      const { bestEpoch, keptEpoch, history } = run.fitted;
      evaluations.push({ seed: run.seed, bestEpoch, keptEpoch, report, history });
    } finally {
      model.dispose();
    }
  }
  return evaluations;
}

async function save(
  model: DetectionModel,
  final: FittedDetector,
  evaluations: SeedEvaluation[],
  options: TrainingRunOptions & { settings: DetectorSettings },
  stats: FlowCsvStats,
  epochs: number,
  adjustment: readonly number[],
): Promise<{ manifest: ModelManifest; metrics: TrainingMetrics }> {
  const metrics = buildTrainingMetrics(evaluations, options, stats);
  const primary = evaluations[0];
  const cm = primary?.report.confusionMatrix;
  const manifest = await saveDetectionModel(model, options.out, {
    metrics,
    confusionMatrixSvg: cm && confusionMatrixSvg(cm.labels, cm.matrix, `Held-out confusion matrix (seed ${primary.seed})`),
    trainingCurvesSvg: primary && trainingCurvesSvg(primary.history, `Training curves (seed ${primary.seed})`),
    training: {
      data: basename(options.data),
      rows: stats.rows,
      epochs,
      backend: activeBackend(),
      settings: options.settings,
    },
    decision: {
      logitAdjustment: options.settings.logitAdjustment,
      classPriors: final.priors,
      adjustmentOffsets: [...adjustment],
      tunedOn: evaluations.length ? 'held-out folds of the evaluation runs' : 'not tuned',
    },
  });
  return { manifest, metrics };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
