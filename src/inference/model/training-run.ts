import { basename } from 'node:path';
import { activeBackend } from './backend-selector';
import { FlowCsvStats } from '../pipeline/flow-csv-reader';
import { ClassScores, spread } from './classification-metrics';
import {
  confusionOn,
  DEFAULT_DETECTOR_SETTINGS,
  DetectorSettings,
  evaluationReport,
  EvaluationReport,
  fitDetector,
  TrainingHooks,
} from './detector-training';
import { ModelManifest, saveDetectionModel } from './model-artifact';
import { confusionMatrixSvg, trainingCurvesSvg } from './report-charts';
import { SeededRandom, stratifiedSplit } from './seeded-random';
import { EpochRecord } from './mlp-trainer';
import { classNamesOf, LabelledFlows, readLabelledFlows, subset } from './training-data';

export interface TrainingRunOptions {
  /** CSV file or directory of CSV files. */
  data: string;
  out: string;
  settings?: Partial<DetectorSettings>;
  /** Evaluation runs (seeds `seed`, `seed + 1`, …) before the final model. Default 3. */
  evaluationSeeds?: number;
  /** Share of each class held out for evaluation. Default 0.2. */
  holdout?: number;
  /** Share of the remaining rows used for early stopping. Default 0.1. */
  validation?: number;
  hooks?: TrainingHooks & { onPhase?: (phase: string) => void };
}

export interface SeedEvaluation {
  seed: number;
  bestEpoch: number;
  keptEpoch: number;
  report: EvaluationReport;
  history: EpochRecord[];
}

export interface TrainingMetrics {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroF1WebMerged: number;
  perClass: Record<string, ClassScores>;
  confusionMatrix: { labels: string[]; matrix: number[][] };
  evaluation: Record<string, unknown>;
}

/**
 * Reproducible training of a model version. First, for each evaluation seed, a stratified split holds out part
 * of every class, a model is fitted on the rest (early stopping on a further stratified validation split) and
 * scored on the held-out rows. Then the final model is fitted on all rows for the median epoch count of those
 * runs, and written to `out` with the held-out metrics, their spread over the seeds, a confusion-matrix
 * picture and training curves.
 */
export async function runTraining(
  options: TrainingRunOptions,
): Promise<{ manifest: ModelManifest; metrics: TrainingMetrics }> {
  const settings = { ...DEFAULT_DETECTOR_SETTINGS, ...options.settings };
  const hooks = options.hooks ?? {};
  hooks.onPhase?.(`reading ${options.data}`);
  const flows = await readLabelledFlows(options.data);
  const classes = classNamesOf(flows.labels);
  const runs: SeedEvaluation[] = [];
  for (let k = 0; k < (options.evaluationSeeds ?? 3); k++) {
    const seed = settings.seed + k;
    hooks.onPhase?.(`evaluation run ${k + 1}: seed ${seed}`);
    runs.push(await evaluateSeed(flows, classes, { ...settings, seed }, options, hooks));
  }
  const epochs = runs.length ? median(runs.map((r) => r.keptEpoch)) : settings.epochs;
  hooks.onPhase?.(`final model: all ${flows.labels.length} rows, ${epochs} epochs`);
  const final = await fitDetector(flows, undefined, classes, { ...settings, epochs }, hooks);
  try {
    const metrics = buildMetrics(runs, options, flows.stats);
    const primary = runs[0];
    const manifest = await saveDetectionModel(final.model, options.out, {
      metrics,
      confusionMatrixSvg:
        primary &&
        confusionMatrixSvg(
          primary.report.confusionMatrix.labels,
          primary.report.confusionMatrix.matrix,
          `Held-out confusion matrix (seed ${primary.seed})`,
        ),
      trainingCurvesSvg: primary && trainingCurvesSvg(primary.history, `Training curves (seed ${primary.seed})`),
      training: { data: basename(options.data), rows: flows.labels.length, epochs, backend: activeBackend(), settings },
      decision: { logitAdjustment: settings.logitAdjustment, classPriors: final.priors },
    });
    return { manifest, metrics };
  } finally {
    final.model.dispose();
  }
}

async function evaluateSeed(
  flows: LabelledFlows & { stats: FlowCsvStats },
  classes: string[],
  settings: DetectorSettings,
  options: TrainingRunOptions,
  hooks: TrainingHooks,
): Promise<SeedEvaluation> {
  const random = new SeededRandom(settings.seed);
  const classOf = (labels: string[]) => labels.map((l) => classes.indexOf(l));
  const outer = stratifiedSplit(classOf(flows.labels), options.holdout ?? 0.2, random);
  const fitPart = subset(flows, outer.train);
  const inner = stratifiedSplit(classOf(fitPart.labels), options.validation ?? 0.1, random);
  const fitted = await fitDetector(subset(fitPart, inner.train), subset(fitPart, inner.test), classes, settings, hooks);
  try {
    const report = evaluationReport(await confusionOn(fitted.model, subset(flows, outer.test)));
    return { seed: settings.seed, bestEpoch: fitted.bestEpoch, keptEpoch: fitted.keptEpoch, report, history: fitted.history };
  } finally {
    fitted.model.dispose();
  }
}

function buildMetrics(runs: SeedEvaluation[], options: TrainingRunOptions, stats: FlowCsvStats): TrainingMetrics {
  const primary = runs[0]?.report;
  const figure = (pick: (r: EvaluationReport) => number) => spread(runs.map((r) => pick(r.report)));
  return {
    accuracy: primary?.accuracy ?? NaN,
    macroF1: primary?.macroF1 ?? NaN,
    weightedF1: primary?.weightedF1 ?? NaN,
    macroF1WebMerged: primary?.macroF1WebMerged ?? NaN,
    perClass: primary?.perClass ?? {},
    confusionMatrix: primary?.confusionMatrix ?? { labels: [], matrix: [] },
    evaluation: {
      protocol:
        `stratified hold-out of ${(options.holdout ?? 0.2) * 100}% per class; model fitted on the rest ` +
        `(${(options.validation ?? 0.1) * 100}% of it for early stopping); top-level figures: first seed`,
      data: { file: basename(options.data), rows: stats.rows, skipped: stats.skipped },
      seeds: runs.map((r) => ({
        seed: r.seed,
        bestEpoch: r.bestEpoch,
        epochsTrained: r.keptEpoch,
        accuracy: r.report.accuracy,
        macroF1: r.report.macroF1,
        weightedF1: r.report.weightedF1,
        macroF1WebMerged: r.report.macroF1WebMerged,
        perClassF1: Object.fromEntries(Object.entries(r.report.perClass).map(([k, v]) => [k, v.f1])),
      })),
      spread: runs.length
        ? {
            accuracy: figure((r) => r.accuracy),
            macroF1: figure((r) => r.macroF1),
            weightedF1: figure((r) => r.weightedF1),
            macroF1WebMerged: figure((r) => r.macroF1WebMerged),
          }
        : {},
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
