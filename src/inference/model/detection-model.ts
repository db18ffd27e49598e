import * as tf from '@tensorflow/tfjs';
import { FEATURE_NAMES } from '../../core/features/feature-names';
import { FittedTransform } from '../../core/features/fitted-transform';
import { ANOMALY_LABEL, BENIGN_LABEL } from '../../core/features/label-normaliser';
import { InferenceGraph } from './inference-graph';
import { IsolationForest } from './isolation-forest';
import { TrainingSupport } from './training-support';

export interface ClassProbability {
  label: string;
  probability: number;
}

export interface FeatureContribution {
  /** Canonical feature name. */
  feature: string;
  /** Raw value as received. */
  value: number;
  /** Gradient × input of the verdict's logit; positive values pushed towards the verdict. */
  contribution: number;
}

export interface Prediction {
  /** Predicted class, or `Anomaly` for flows called benign that the anomaly detector finds far off benign traffic. */
  label: string;
  /** Probability of the predicted class; for `Anomaly`, the anomaly score. */
  confidence: number;
  top3: ClassProbability[];
  /** Isolation Forest score in (0, 1); higher is more unusual for benign traffic. */
  anomalyScore: number;
  /** The features that weighed most for the verdict, largest magnitude first (empty when not requested). */
  explanation: FeatureContribution[];
  /** The model input this verdict was computed from (the fitted transform's output: "processed features"). */
  input: Float32Array;
  /**
   * The class the network ranked first when the training data did not support it on the flow's IP protocol (see
   * {@link TrainingSupport}); `label` is then the most probable supported class. Absent when the first class stood.
   */
  unsupported?: ClassProbability;
}

export interface PredictOptions {
  /**
   * Compute explanations (one extra backward pass): for every flow (`true`, the default), for none, or only for
   * flows with a verdict other than BENIGN (`'attacks'`: the ones that raise alerts, usually a small share).
   */
  explain?: boolean | 'attacks';
  /** Features per explanation. Default 3. */
  explainTop?: number;
  /** IP protocol of each flow (null: unknown), for the training-support rule; absent: no flow's protocol is known. */
  protocols?: readonly (number | null)[];
}

export interface DetectionModelParts {
  network: tf.LayersModel;
  transform: FittedTransform;
  labels: string[];
  forest: IsolationForest;
  /** Benign verdicts with an anomaly score at or above this become `Anomaly`. */
  anomalyThreshold: number;
  /** The training domain's boundary on the anomaly score (absent in models trained before it was recorded). */
  domain?: { quantile: number; threshold: number };
  /**
   * Added to the logits before the softmax (logit adjustment for rare classes, Menon et al. 2021): τ·(−log prior)
   * per class. All zeros leaves the network's verdicts unchanged.
   */
  logitOffsets: number[];
  /** Training rows per protocol and class (absent in models trained before it was recorded: no restriction). */
  support?: TrainingSupport;
}

/**
 * A loaded model version: feature transform, MLP (logits), label map and anomaly detector. Predicts batches of
 * raw feature vectors (canonical order) on the active tfjs backend.
 */
export class DetectionModel {
  private disposed = false;
  /** The network compiled for inference and explanations; null when it has a layer the compiler does not support. */
  private graph: InferenceGraph | null | undefined;

  constructor(readonly parts: DetectionModelParts) {
    const mismatch =
      (parts.forest.dimensions !== parts.transform.outputSize && 'anomaly detector and transform') ||
      (parts.network.outputs[0].shape[1] !== parts.labels.length && 'network and label map') ||
      (parts.logitOffsets.length !== parts.labels.length && 'logit offsets and label map');
    if (mismatch) throw new Error(`model parts do not fit together: ${mismatch}`);
  }

  get labels(): readonly string[] {
    return this.parts.labels;
  }

  async predict(vectors: readonly ArrayLike<number>[], options: PredictOptions = {}): Promise<Prediction[]> {
    if (this.disposed) throw new Error('model disposed');
    if (vectors.length === 0) return [];
    const width = this.parts.transform.outputSize;
    const explain = options.explain ?? true;
    const top = options.explainTop ?? 3;
    const input = this.parts.transform.applyBatch(vectors);
    const { probabilities, gradients } = await this.infer(input, vectors.length, explain === true);
    const scores = this.parts.forest.scoreBatch(input, width);
    const classCount = this.parts.labels.length;
    const row = (values: Float32Array, i: number) => values.subarray(i * width, (i + 1) * width);
    const predictions = vectors.map((raw, i) =>
      this.toPrediction(
        raw,
        probabilities.subarray(i * classCount, (i + 1) * classCount),
        scores[i],
        row(input, i),
        gradients ? row(gradients, i) : undefined,
        top,
        this.parts.support?.allowed(options.protocols?.[i]) ?? null,
      ),
    );
    if (explain === 'attacks') await this.explainAttacks(vectors, input, predictions, top);
    return predictions;
  }

  /** Adds explanations to the predictions that are not BENIGN, with a backward pass over those rows only. */
  private async explainAttacks(vectors: readonly ArrayLike<number>[], input: Float32Array, predictions: Prediction[], top: number): Promise<void> {
    const width = this.parts.transform.outputSize;
    const picked = predictions.flatMap((p, i) => (p.label === BENIGN_LABEL ? [] : [i]));
    if (picked.length === 0) return;
    const subset = new Float32Array(picked.length * width);
    picked.forEach((i, k) => subset.set(input.subarray(i * width, (i + 1) * width), k * width));
    const { gradients } = await this.infer(subset, picked.length, true);
    picked.forEach((i, k) => {
      const at = k * width;
      predictions[i].explanation = this.explain(vectors[i], gradients!.subarray(at, at + width), subset.subarray(at, at + width), top);
    });
  }

  /** Runs a few batches so that the backend has compiled its kernels before the first real request. */
  async warmUp(): Promise<void> {
    const zeros = new Float64Array(FEATURE_NAMES.length);
    for (const size of [1, 64]) await this.predict(new Array(size).fill(zeros));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.graph?.dispose();
    this.parts.network.dispose();
  }

  /** Probabilities (after the logit offsets) and, when asked, d(verdict logit)/d(input) from the same pass. */
  private async infer(input: Float32Array, rows: number, explain: boolean) {
    const x = tf.tensor2d(input, [rows, this.parts.transform.outputSize]);
    let logits: tf.Tensor | undefined;
    let grads: tf.Tensor | undefined;
    let probs: tf.Tensor | undefined;
    try {
      if (explain) [logits, grads] = this.logitsAndGradients(x);
      else logits = tf.tidy(() => tf.add(this.forward(x, rows), this.parts.logitOffsets));
      probs = tf.softmax(logits);
      const [probabilities, gradients] = await Promise.all([
        probs.data() as Promise<Float32Array>,
        grads?.data() as Promise<Float32Array> | undefined,
      ]);
      return { probabilities, gradients };
    } finally {
      tf.dispose([x, logits as tf.Tensor, grads as tf.Tensor, probs as tf.Tensor]);
    }
  }

  /** The compiled network, or null when it does not compile (the layers API is used then). */
  private compiled(): InferenceGraph | null {
    if (this.graph === undefined) this.graph = InferenceGraph.compile(this.parts.network) ?? null;
    return this.graph;
  }

  /** The network's logits for `x`. */
  private forward(x: tf.Tensor2D, rows: number): tf.Tensor {
    const graph = this.compiled();
    return graph ? graph.run(x) : (this.parts.network.predict(x, { batchSize: rows }) as tf.Tensor);
  }

  private logitsAndGradients(x: tf.Tensor2D): [tf.Tensor, tf.Tensor] {
    const { network, logitOffsets, labels } = this.parts;
    const graph = this.compiled();
    if (graph) {
      const { logits, gradients } = graph.logitsAndGradients(x, logitOffsets);
      return [logits, gradients];
    }
    let logits: tf.Tensor | undefined;
    const gradients = tf.grad((v: tf.Tensor) => {
      const raw = network.apply(v) as tf.Tensor;
      logits = tf.keep(tf.add(raw, logitOffsets));
      return tf.sum(tf.mul(raw, tf.oneHot(tf.argMax(logits, 1), labels.length)));
    })(x);
    return [logits as tf.Tensor, gradients];
  }

  private toPrediction(
    raw: ArrayLike<number>,
    probabilities: Float32Array,
    anomalyScore: number,
    input: Float32Array,
    gradient: Float32Array | undefined,
    explainTop: number,
    allowed: readonly boolean[] | null,
  ): Prediction {
    const top3 = topClasses(probabilities, this.parts.labels, 3);
    const first = top3[0];
    const best = allowed ? supportedBest(probabilities, this.parts.labels, allowed, first) : first;
    const anomalous = best.label === BENIGN_LABEL && anomalyScore >= this.parts.anomalyThreshold;
    const prediction: Prediction = {
      label: anomalous ? ANOMALY_LABEL : best.label,
      confidence: anomalous ? anomalyScore : best.probability,
      top3,
      anomalyScore,
      explanation: gradient ? this.explain(raw, gradient, input, explainTop) : [],
      input,
    };
    if (best !== first) prediction.unsupported = first;
    return prediction;
  }

  /** Sums gradient × input over the model columns each raw feature feeds and keeps the largest magnitudes. */
  private explain(
    raw: ArrayLike<number>,
    gradient: Float32Array,
    input: Float32Array,
    top: number,
  ): FeatureContribution[] {
    const sources = this.parts.transform.outputSources;
    const byFeature = new Float64Array(FEATURE_NAMES.length);
    for (let c = 0; c < gradient.length; c++) byFeature[sources[c]] += gradient[c] * input[c];
    return largest(byFeature, top, Math.abs).map((j) => ({ feature: FEATURE_NAMES[j], value: raw[j], contribution: byFeature[j] }));
  }
}

/**
 * Indices of the `n` largest `measure(values[i])`, largest first (the earlier index among equals): a selection in
 * one pass, cheaper than sorting when n is small.
 */
function largest(values: ArrayLike<number>, n: number, measure: (v: number) => number = (v) => v): number[] {
  const picked: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const score = measure(values[i]);
    if (picked.length === n && !(score > scores[n - 1])) continue;
    // insert, shifting smaller ones down (the last one drops out when the selection is full)
    let at = picked.length === n ? n - 1 : picked.length;
    while (at > 0 && score > scores[at - 1]) {
      picked[at] = picked[at - 1];
      scores[at] = scores[at - 1];
      at--;
    }
    picked[at] = i;
    scores[at] = score;
  }
  return picked;
}

/**
 * The most probable class among the `allowed` ones, or `first` (the overall first) when it is allowed or nothing is.
 * The confidence stays the network's own probability: it is not renormalised over the allowed classes.
 */
function supportedBest(
  probabilities: Float32Array,
  labels: readonly string[],
  allowed: readonly boolean[],
  first: ClassProbability,
): ClassProbability {
  let pick = -1;
  for (let k = 0; k < labels.length; k++) if (allowed[k] && (pick < 0 || probabilities[k] > probabilities[pick])) pick = k;
  if (pick < 0 || labels[pick] === first.label) return first;
  return { label: labels[pick], probability: probabilities[pick] };
}

function topClasses(probabilities: Float32Array, labels: readonly string[], n: number): ClassProbability[] {
  return largest(probabilities, Math.min(n, labels.length)).map((k) => ({ label: labels[k], probability: probabilities[k] }));
}
