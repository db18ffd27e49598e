import { basename } from 'node:path';
import { FlowCsvStats } from '../pipeline/flow-csv-reader';
import { ClassScores, spread } from './classification-metrics';
import { EvaluationReport } from './detector-training';
import { EpochRecord } from './mlp-trainer';

export interface SeedEvaluation {
  seed: number;
  bestEpoch: number;
  keptEpoch: number;
  report: EvaluationReport;
  history: EpochRecord[];
}

/** Content of `metrics.json`: the first evaluation run's figures at the top, every run and the spread below. */
export interface TrainingMetrics {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroF1WebMerged: number;
  perClass: Record<string, ClassScores>;
  confusionMatrix: { labels: string[]; matrix: number[][] };
  evaluation: {
    protocol: string;
    data: { file: string; rows: number; skipped: number };
    seeds: Record<string, unknown>[];
    spread: Record<string, ReturnType<typeof spread>>;
  };
}

export function buildTrainingMetrics(
  runs: SeedEvaluation[],
  options: { data: string; holdout?: number; validation?: number },
  stats: FlowCsvStats,
): TrainingMetrics {
  const primary = runs[0]?.report;
  const figure = (pick: (r: EvaluationReport) => number) => spread(runs.map((r) => pick(r.report)));
  const holdout = options.holdout ?? 0.2;
  return {
    accuracy: primary?.accuracy ?? NaN,
    macroF1: primary?.macroF1 ?? NaN,
    weightedF1: primary?.weightedF1 ?? NaN,
    macroF1WebMerged: primary?.macroF1WebMerged ?? NaN,
    perClass: primary?.perClass ?? {},
    confusionMatrix: primary?.confusionMatrix ?? { labels: [], matrix: [] },
    evaluation: {
      protocol:
        `rows dealt into ${Math.round(1 / holdout)} disjoint stratified folds; run k (seed + k) is fitted on the ` +
        `other folds (${(options.validation ?? 0.1) * 100}% of them for early stopping), its decision offsets are ` +
        'tuned on the other runs\' held-out folds, and it is scored on fold k; top-level figures: first run',
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
