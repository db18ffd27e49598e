import { ClassProbability, FeatureContribution } from '../alerts/alert.entity';

/** Which model gave a verdict: the full one (all 78 features), or the EVE one for flows with few features. */
export type ModelKind = 'full' | 'eve';

/** The classifier's answer for one flow. */
export interface Verdict {
  label: string;
  confidence: number;
  top3: ClassProbability[];
  explanation: FeatureContribution[];
  anomalyScore: number | null;
  /** The model input after the fitted transform (kept beside the raw features). */
  processed: Float32Array | null;
  /** The model that answered and its version (absent: the classifier's `modelVersion`, full model). */
  model?: ModelKind;
  modelVersion?: string;
  /** Share of the 78 features present (not missing) in the flow: 1 for a complete CIC-IDS2017 row. */
  coverage?: number;
  /**
   * The class the model ranked first but its training data did not support on the flow's IP protocol; `label` is
   * then the most probable supported class (docs/eve-model.md, "Training support").
   */
  unsupported?: ClassProbability;
}

/** Classifies N raw feature vectors in one call (with each flow's IP protocol when known); N verdicts in order. */
export abstract class FlowClassifier {
  abstract classify(vectors: Float64Array[], protocols?: readonly (number | null)[]): Promise<Verdict[]>;
  abstract get modelVersion(): string;
}

/**
 * Told of every batch the model classified and the pipeline committed, with the sensor it came from (the
 * model-drift monitor). Called on the ingest path: it must be cheap (counts, no per-flow objects) and not throw.
 */
export abstract class VerdictObserver {
  abstract observe(source: string, sensorId: string | null, vectors: readonly Float64Array[], verdicts: readonly Verdict[]): void;
}

export const BENIGN = 'BENIGN';
