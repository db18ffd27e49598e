import type { Prediction } from '../../src/inference/model/detection-model';

/**
 * A prediction as plain data, for comparisons: every field read by name (predictions from the inference thread
 * answer through accessors) and the model input as an array (typed arrays made in another thread belong to
 * Node's realm, not to a test's, and do not compare equal to the test's own).
 */
export function plainPrediction(p: Prediction) {
  return {
    label: p.label,
    confidence: p.confidence,
    top3: p.top3,
    anomalyScore: p.anomalyScore,
    explanation: p.explanation,
    input: Array.from(p.input),
    ...(p.unsupported ? { unsupported: p.unsupported } : {}),
  };
}
