import { ConfusionMatrix } from './classification-metrics';
import { confusionOn, DetectorSettings, evaluationReport, fitDetector, TrainingHooks } from './detector-training';
import { SeededRandom, stratifiedSplit } from './seeded-random';
import { classNamesOf, LabelledFlows, rowsBySource, subset } from './training-data';

/** Figures of a model fitted on one source only and scored on all rows of another. */
export interface TransferEvaluation {
  trainedOn: string;
  scoredOn: string;
  rows: number;
  /** Over all rows of the scored source; rows of classes the model never saw count as errors. */
  accuracy: number;
  macroF1: number;
  /** Over the rows of the classes both sources have. */
  sharedClasses: { classes: string[]; rows: number; accuracy: number; macroF1: number };
  perClassRecall: Record<string, number>;
  epochsTrained: number;
  /** Features left out of this run's model input. */
  excludedFeatures: string[];
}

/**
 * For every source, fits a model on that source alone (early stopping on a stratified validation split of it) and
 * scores it on every other source with its untuned logit adjustment: nothing of the scored source is seen.
 */
export async function transferEvaluations(
  flows: LabelledFlows,
  settings: DetectorSettings,
  validation = 0.1,
  hooks: TrainingHooks & { onPhase?: (phase: string) => void } = {},
): Promise<TransferEvaluation[]> {
  const bySource = rowsBySource(flows);
  if (bySource.size < 2) return [];
  const results: TransferEvaluation[] = [];
  for (const [trainedOn, rows] of bySource) {
    hooks.onPhase?.(`transfer: fitting on ${trainedOn} alone (${rows.length} rows)`);
    const own = subset(flows, rows);
    const classes = classNamesOf(own.labels);
    const split = stratifiedSplit(
      own.labels.map((l) => classes.indexOf(l)),
      validation,
      new SeededRandom(settings.seed),
    );
    const fitted = await fitDetector(subset(own, split.train), subset(own, split.test), classes, settings, hooks);
    const excludedFeatures = settings.excludedFeatures;
    try {
      for (const [scoredOn, otherRows] of bySource) {
        if (scoredOn === trainedOn) continue;
        const confusion = await confusionOn(fitted.model, subset(flows, otherRows));
        const figures = transferFigures(confusion, classes);
        results.push({ trainedOn, scoredOn, ...figures, epochsTrained: fitted.keptEpoch, excludedFeatures: [...excludedFeatures] });
      }
    } finally {
      fitted.model.dispose();
    }
  }
  return results;
}

function transferFigures(confusion: ConfusionMatrix, modelClasses: string[]) {
  const all = evaluationReport(confusion);
  const trueClasses = Object.keys(all.perClass);
  const shared = trueClasses.filter((c) => modelClasses.includes(c));
  const { matrix, labels } = all.confusionMatrix;
  const restricted = new ConfusionMatrix(shared);
  labels.forEach((t, i) => {
    if (!shared.includes(t)) return;
    labels.forEach((p, j) => matrix[i][j] && restricted.add(t, p, matrix[i][j]));
  });
  const onShared = restricted.report();
  return {
    rows: confusion.size,
    accuracy: all.accuracy,
    macroF1: all.macroF1,
    sharedClasses: { classes: shared, rows: restricted.size, accuracy: onShared.accuracy, macroF1: onShared.macroF1 },
    perClassRecall: Object.fromEntries(Object.entries(all.perClass).map(([c, s]) => [c, s.recall])),
  };
}
