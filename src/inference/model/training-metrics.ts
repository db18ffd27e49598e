import { basename } from 'node:path';
import { ClassScores, spread } from './classification-metrics';
import { EvaluationReport } from './detector-training';
import { EpochRecord } from './mlp-trainer';
import { SourceStats } from './training-data';
import { TransferEvaluation } from './transfer-evaluation';

export interface SeedEvaluation {
  seed: number;
  bestEpoch: number;
  keptEpoch: number;
  report: EvaluationReport;
  /** The same run's held-out rows of each source (empty with a single source). */
  perSource: Record<string, EvaluationReport>;
  history: EpochRecord[];
}

const FIGURES = ['accuracy', 'macroF1', 'weightedF1', 'macroF1WebMerged'] as const;
type Figure = (typeof FIGURES)[number];

/** Figures of one source's held-out rows: first run at the top (as for the whole), the seeds' spread below. */
export interface SourceMetrics extends Record<Figure, number> {
  rows: number;
  perClass: Record<string, ClassScores>;
  confusionMatrix: { labels: string[]; matrix: number[][] };
  spread: Record<Figure, ReturnType<typeof spread>>;
}

/**
 * Content of `metrics.json`: the first evaluation run's figures at the top, every run and the spread below, the
 * same per source, and the transfer figures (fitted on one source alone, scored on another).
 */
export interface TrainingMetrics {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroF1WebMerged: number;
  perClass: Record<string, ClassScores>;
  confusionMatrix: { labels: string[]; matrix: number[][] };
  evaluation: {
    protocol: string;
    data: { sources: SourceData[]; rows: number; skipped: number };
    seeds: Record<string, unknown>[];
    spread: Record<string, ReturnType<typeof spread>>;
    perSource: Record<string, SourceMetrics>;
  };
  transfer: { protocol: string; runs: TransferEvaluation[] };
}

interface SourceData {
  name: string;
  file: string;
  dialects: string[];
  rows: number;
  skipped: number;
  classes: Record<string, number>;
}

export const TRANSFER_PROTOCOL =
  'a model fitted on one source alone (same settings and seed, early stopping on 10% of it, untuned logit ' +
  'adjustment) scored on every row of another source; classes the model never saw count as errors in ' +
  'accuracy and macroF1, sharedClasses covers only the classes both sources have; when the model keeps features ' +
  'the original flow meter computed wrongly, each pair is measured again with them left out (excludedFeatures)';

export function buildTrainingMetrics(
  runs: SeedEvaluation[],
  transfer: TransferEvaluation[],
  options: { holdout?: number; validation?: number; groupTwins?: boolean },
  stats: SourceStats[],
): TrainingMetrics {
  const primary = runs[0]?.report;
  const figure = (pick: (r: EvaluationReport) => number) => spread(runs.map((r) => pick(r.report)));
  const holdout = options.holdout ?? 0.2;
  const sum = (pick: (s: SourceStats) => number) => stats.reduce((n, s) => n + pick(s), 0);
  return {
    accuracy: primary?.accuracy ?? NaN,
    macroF1: primary?.macroF1 ?? NaN,
    weightedF1: primary?.weightedF1 ?? NaN,
    macroF1WebMerged: primary?.macroF1WebMerged ?? NaN,
    perClass: primary?.perClass ?? {},
    confusionMatrix: primary?.confusionMatrix ?? { labels: [], matrix: [] },
    evaluation: {
      protocol:
        `rows of all sources dealt into ${Math.round(1 / holdout)} disjoint folds stratified by source and class` +
        (options.groupTwins ? ', rows with identical feature vectors always in one fold; ' : '; ') +
        `run k (seed + k) is fitted on the other folds (${(options.validation ?? 0.1) * 100}% of them for early ` +
        'stopping), its decision offsets are tuned on the other runs\' held-out folds, and it is scored on fold k, ' +
        'overall and per source; top-level figures: first run',
      data: {
        sources: stats.map((s) => ({
          name: s.name,
          file: basename(s.path),
          dialects: [...new Set(s.dialects)],
          rows: s.rows,
          skipped: s.skipped,
          classes: s.classes,
        })),
        rows: sum((s) => s.rows),
        skipped: sum((s) => s.skipped),
      },
      seeds: runs.map((r) => ({
        seed: r.seed,
        bestEpoch: r.bestEpoch,
        epochsTrained: r.keptEpoch,
        accuracy: r.report.accuracy,
        macroF1: r.report.macroF1,
        weightedF1: r.report.weightedF1,
        macroF1WebMerged: r.report.macroF1WebMerged,
        perClassF1: Object.fromEntries(Object.entries(r.report.perClass).map(([k, v]) => [k, v.f1])),
        perSource: Object.fromEntries(
          Object.entries(r.perSource).map(([name, p]) => [name, Object.fromEntries(FIGURES.map((f) => [f, p[f]]))]),
        ),
      })),
      spread: runs.length
        ? {
            accuracy: figure((r) => r.accuracy),
            macroF1: figure((r) => r.macroF1),
            weightedF1: figure((r) => r.weightedF1),
            macroF1WebMerged: figure((r) => r.macroF1WebMerged),
          }
        : {},
      perSource: perSourceMetrics(runs),
    },
    transfer: { protocol: TRANSFER_PROTOCOL, runs: transfer },
  };
}

function perSourceMetrics(runs: SeedEvaluation[]): Record<string, SourceMetrics> {
  const names = Object.keys(runs[0]?.perSource ?? {});
  return Object.fromEntries(
    names.map((name) => {
      const first = runs[0].perSource[name];
      const reports = runs.map((r) => r.perSource[name]);
      const spreads = Object.fromEntries(FIGURES.map((f) => [f, spread(reports.map((p) => p[f]))]));
      const figures = Object.fromEntries(FIGURES.map((f) => [f, first[f]])) as Record<Figure, number>;
      const rows = Object.values(first.perClass).reduce((n, c) => n + c.support, 0);
      const metrics: SourceMetrics = {
        ...figures,
        rows,
        perClass: first.perClass,
        confusionMatrix: first.confusionMatrix,
        spread: spreads as SourceMetrics['spread'],
      };
      return [name, metrics];
    }),
  );
}
