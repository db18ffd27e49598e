import { basename } from 'node:path';
import { FeatureSet, projectRows } from '../../core/features/eve-projection';
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
  FLOW_METER_ARTIFACTS,
  leavesOutFlowMeterArtifacts,
  TrainingHooks,
} from './detector-training';
import { ModelManifest, saveDetectionModel } from './model-artifact';
import { predictLogits } from './mlp-trainer';
import { confusionMatrixSvg, trainingCurvesSvg } from './report-charts';
import { groupedStratifiedFolds, SeededRandom, stratifiedFolds, stratifiedSplit } from './seeded-random';
import { buildTrainingMetrics, SeedEvaluation, TrainingMetrics } from './training-metrics';
import {
  classNamesOf,
  DataSource,
  featureGroupsOf,
  LabelledFlows,
  parseDataSource,
  readDataSources,
  rowsBySource,
  SourceStats,
  strataOf,
  subset,
} from './training-data';
import { TransferEvaluation, transferEvaluations } from './transfer-evaluation';
import { countTrainingSupport, supportRowsOf, writeTrainingSupport } from './training-support';
import { writeModelCard } from './model-card';

export interface TrainingRunOptions {
  /** Data sources (CSV files or directories) trained on together; a bare path is one source named after it. */
  data: string | DataSource[];
  out: string;
  /** Features the model sees: all (`full`, the default) or the rows projected to an EVE flow record's (`eve`). */
  featureSet?: FeatureSet;
  settings?: Partial<DetectorSettings>;
  /** Evaluation runs (seeds `seed`, `seed + 1`, …) before the final model. Default 3. */
  evaluationSeeds?: number;
  /** Share of each class held out per evaluation run; the held-out parts of the runs are disjoint. Default 0.2. */
  holdout?: number;
  /** Share of the remaining rows used for early stopping. Default 0.1. */
  validation?: number;
  /**
   * Keep rows with identical feature vectors in one fold (and out of the early-stopping split of the rows they
   * are held out from), so no held-out row has a twin in training. Default false.
   */
  groupTwins?: boolean;
  /** With several sources, also train on each source alone and score on the others. Default true. */
  transfer?: boolean;
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
 * 1. The rows of all sources are dealt into disjoint folds (1 / holdout of them) stratified by source and class
 *    (with `groupTwins`, identical feature vectors always in one fold);
 *    evaluation run k (seed + k) holds out fold k, fits a model on the rest (early stopping on a further split
 *    made the same way) and keeps its logits on the held-out rows.
 * 2. Each run's decision offsets are tuned for macro-F1 on the other runs' held-out logits only, then the run is
 *    scored on its own held-out rows, overall and per source: the reported figures never saw those rows' labels.
 * 3. With several sources, a model is fitted on each source alone and scored on every other one (transfer); when
 *    the model keeps features the original flow meter broke, once more with those left out.
 * 4. The final model is fitted on all rows for the median epoch count of the runs, its offsets are tuned on all
 *    runs' held-out logits, and it is written to `out` with the metrics, their spread and two pictures.
 */
export async function runTraining(
  options: TrainingRunOptions,
): Promise<{ manifest: ModelManifest; metrics: TrainingMetrics }> {
  const settings = { ...DEFAULT_DETECTOR_SETTINGS, ...options.settings };
  const hooks = options.hooks ?? {};
  const sources = typeof options.data === 'string' ? [parseDataSource(options.data)] : options.data;
  hooks.onPhase?.(`reading ${sources.map((s) => (s.name ? `${s.name}=${s.path}` : s.path)).join(', ')}`);
  const flows = await readDataSources(sources);
  const foldCount = Math.round(1 / (options.holdout ?? 0.2));
  // counted on the rows as read: the TCP flags that tell a TCP row without a protocol column are projected away
  const support = countTrainingSupport(supportRowsOf(flows), foldCount);
  flows.features = projectRows(flows.features, options.featureSet ?? 'full');
  const classes = classNamesOf(flows.labels);
  const folds = dealFolds(flows, foldCount, settings.seed, options.groupTwins);
  const runs: EvaluationRun[] = [];
  for (let k = 0; k < Math.min(options.evaluationSeeds ?? 3, folds.length); k++) {
    hooks.onPhase?.(`evaluation run ${k + 1}: seed ${settings.seed + k}, held-out fold ${k + 1} of ${folds.length}`);
    runs.push(await evaluationRun(flows, folds, k, classes, { ...settings, seed: settings.seed + k }, options));
  }
  const evaluations = await scoreRuns(runs, classes.length, flows.stats.map((s) => s.name));
  const transfer = options.transfer === false ? [] : await transferEvaluations(flows, settings, options.validation, hooks);
  const epochs = runs.length ? median(runs.map((r) => r.fitted.keptEpoch)) : settings.epochs;
  hooks.onPhase?.(`final model: all ${flows.labels.length} rows, ${epochs} epochs`);
  const final = await fitDetector(flows, undefined, classes, { ...settings, epochs }, hooks);
  const start = final.model.parts.logitOffsets;
  const pooled = concatHeldOut(runs.map((r) => r.logits));
  const offsets = runs.length ? tuneLogitOffsets(pooled, classes.length, start) : start;
  const shipped = new DetectionModel({ ...final.model.parts, logitOffsets: offsets });
  try {
    // after the final fit, so that asking for these figures leaves the shipped model's files unchanged
    if (transfer.length && (options.featureSet ?? 'full') === 'full' && !leavesOutFlowMeterArtifacts(settings.excludedFeatures)) {
      const excludedFeatures = [...new Set([...settings.excludedFeatures, ...FLOW_METER_ARTIFACTS])];
      hooks.onPhase?.('transfer with the flow-meter artifacts left out');
      transfer.push(...(await transferEvaluations(flows, { ...settings, excludedFeatures }, options.validation, hooks)));
    }
    const saved = await save(shipped, final, { evaluations, transfer }, { ...options, settings }, flows.stats, epochs, start);
    await writeTrainingSupport(options.out, support);
    return saved;
  } finally {
    shipped.dispose();
  }
}

/** Folds stratified by source and class; with `groupTwins`, identical feature vectors never straddle two folds. */
function dealFolds(flows: LabelledFlows, k: number, seed: number, groupTwins = false): number[][] {
  const random = new SeededRandom(seed);
  return groupTwins
    ? groupedStratifiedFolds(strataOf(flows), featureGroupsOf(flows), k, random)
    : stratifiedFolds(strataOf(flows), k, random);
}

/** The rows a run fits on and the ones it stops early on, split the way the folds are. */
function earlyStoppingSplit(flows: LabelledFlows, share: number, seed: number, groupTwins = false): LabelledFlows[] {
  if (groupTwins) {
    const [val, ...rest] = dealFolds(flows, Math.round(1 / share), seed, true);
    return [subset(flows, rest.flat()), subset(flows, val)];
  }
  const split = stratifiedSplit(strataOf(flows), share, new SeededRandom(seed));
  return [subset(flows, split.train), subset(flows, split.test)];
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
  const [train, val] = earlyStoppingSplit(fitPart, options.validation ?? 0.1, settings.seed, options.groupTwins);
  const fitted = await fitDetector(train, val, classes, settings, options.hooks);
  const heldOut = subset(flows, folds[k]);
  const { network, transform } = fitted.model.parts;
  const logits = predictLogits(network, transform.applyBatch(heldOut.features), transform.outputSize);
  const y = Int32Array.from(heldOut.labels, (l) => classes.indexOf(l));
  return { seed: settings.seed, fitted, heldOut, logits: { logits, y } };
}

/**
 * Scores each run on its own held-out fold, overall and per source, with offsets tuned on the other runs' folds;
 * disposes their models.
 */
async function scoreRuns(runs: EvaluationRun[], classCount: number, sources: string[]): Promise<SeedEvaluation[]> {
  const evaluations: SeedEvaluation[] = [];
  for (const run of runs) {
    const others = runs.filter((r) => r !== run).map((r) => r.logits);
    const start = run.fitted.model.parts.logitOffsets;
    const offsets = others.length ? tuneLogitOffsets(concatHeldOut(others), classCount, start) : start;
    const model = new DetectionModel({ ...run.fitted.model.parts, logitOffsets: offsets });
    try {
      const report = evaluationReport(await confusionOn(model, run.heldOut));
      const perSource: SeedEvaluation['perSource'] = {};
      const bySource = rowsBySource(run.heldOut);
      for (const name of bySource.size > 1 ? sources : []) {
        const rows = bySource.get(name) ?? [];
        perSource[name] = evaluationReport(await confusionOn(model, subset(run.heldOut, rows)));
      }
      const { bestEpoch, keptEpoch, history } = run.fitted;
      evaluations.push({ seed: run.seed, bestEpoch, keptEpoch, report, perSource, history });
    } finally {
      model.dispose();
    }
  }
  return evaluations;
}

async function save(
  model: DetectionModel,
  final: FittedDetector,
  { evaluations, transfer }: { evaluations: SeedEvaluation[]; transfer: TransferEvaluation[] },
  options: TrainingRunOptions & { settings: DetectorSettings },
  stats: SourceStats[],
  epochs: number,
  adjustment: readonly number[],
): Promise<{ manifest: ModelManifest; metrics: TrainingMetrics }> {
  const metrics = buildTrainingMetrics(evaluations, transfer, options, stats);
  const primary = evaluations[0];
  const cm = primary?.report.confusionMatrix;
  const manifest = await saveDetectionModel(model, options.out, {
    metrics,
    confusionMatrixSvg: cm && confusionMatrixSvg(cm.labels, cm.matrix, `Held-out confusion matrix (seed ${primary.seed})`),
    trainingCurvesSvg: primary && trainingCurvesSvg(primary.history, `Training curves (seed ${primary.seed})`),
    featureSet: options.featureSet ?? 'full',
    training: {
      data: stats.map((s) => ({ name: s.name, file: basename(s.path), dialects: [...new Set(s.dialects)] })),
      featureSet: options.featureSet ?? 'full',
      rows: stats.reduce((n, s) => n + s.rows, 0),
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
  await writeModelCard(options.out, manifest, metrics);
  return { manifest, metrics };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
