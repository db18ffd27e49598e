import { ClassProbability, FeatureContribution } from '../../alerts/alert.entity';

/** The classifier's answer for one flow. */
export interface Verdict {
  label: string;
  confidence: number;
  top3: ClassProbability[];
  explanation: FeatureContribution[];
  anomalyScore: number | null;
  /** The model input after the fitted transform (kept beside the raw features). */
  processed: Float32Array | null;
}

/** Classifies N raw feature vectors in one call; N verdicts in the same order. */
export abstract class FlowClassifier {
  abstract classify(vectors: Float64Array[]): Promise<Verdict[]>;
  abstract get modelVersion(): string;
}

export const BENIGN = 'BENIGN';
