import type { ClassProbability, FeatureContribution } from '../../alerts/alert.entity';
import type { Prediction } from './detection-model';

/**
 * The predictions of one batch as they cross from the inference thread to the event loop: numbers in typed arrays
 * (transferred, not copied), class names once, and only the explanations that exist (the flows that are not
 * benign, usually). Structured cloning a thousand prediction objects instead cost the receiving thread ~6 ms per
 * batch and filled its young generation with objects that lived as long as the request.
 */
export interface PackedPredictions {
  count: number;
  /** Class names; `label` and `topLabel` hold indexes into it. */
  classes: string[];
  label: Uint8Array;
  confidence: Float64Array;
  anomalyScore: Float64Array;
  /** Classes per flow in `topLabel` / `topProbability` (the same for every flow of a model). */
  topWidth: number;
  topLabel: Uint8Array;
  topProbability: Float64Array;
  /** The non-empty explanations: flow index, contributions. */
  explanations: [number, FeatureContribution[]][];
  /** Flows whose first class (their first top class) was set aside for want of training support. */
  unsupported: number[];
  /** Every flow's model input, `inputWidth` values each, one after the other. */
  inputs: Float32Array;
  inputWidth: number;
}

/** Packs `predictions` and names the buffers to transfer with them. */
export function packPredictions(predictions: readonly Prediction[]): { packed: PackedPredictions; transfer: ArrayBuffer[] } {
  const count = predictions.length;
  const classIndex = new Map<string, number>();
  const indexOf = (name: string) => {
    let k = classIndex.get(name);
    if (k === undefined) classIndex.set(name, (k = classIndex.size));
    if (k > 255) throw new RangeError('more than 256 classes cannot be packed');
    return k;
  };
  const topWidth = count ? predictions[0].top3.length : 0;
  const inputWidth = count ? predictions[0].input.length : 0;
  const packed: PackedPredictions = {
    count,
    classes: [],
    label: new Uint8Array(count),
    confidence: new Float64Array(count),
    anomalyScore: new Float64Array(count),
    topWidth,
    topLabel: new Uint8Array(count * topWidth),
    topProbability: new Float64Array(count * topWidth),
    explanations: [],
    unsupported: [],
    inputs: new Float32Array(count * inputWidth),
    inputWidth,
  };
  predictions.forEach((p, i) => {
    if (p.top3.length !== topWidth || p.input.length !== inputWidth) throw new RangeError('predictions of one batch differ in shape');
    packed.label[i] = indexOf(p.label);
    packed.confidence[i] = p.confidence;
    packed.anomalyScore[i] = p.anomalyScore;
    p.top3.forEach((c, j) => {
      packed.topLabel[i * topWidth + j] = indexOf(c.label);
      packed.topProbability[i * topWidth + j] = c.probability;
    });
    if (p.explanation.length) packed.explanations.push([i, p.explanation]);
    if (p.unsupported) packed.unsupported.push(i);
    packed.inputs.set(p.input, i * inputWidth);
  });
  packed.classes = [...classIndex.keys()];
  const transfer = [packed.label, packed.confidence, packed.anomalyScore, packed.topLabel, packed.topProbability, packed.inputs];
  return { packed, transfer: transfer.map((a) => a.buffer as ArrayBuffer) };
}

/**
 * One prediction read from a packed batch. The class, confidence and anomaly score are plain fields; the top
 * classes, explanation and model input are made when asked for (the ingest path asks for them only for the flows
 * that raise alerts, or, for the input, while it encodes the flow).
 */
class PackedPrediction implements Prediction {
  readonly label: string;
  readonly confidence: number;
  readonly anomalyScore: number;

  constructor(
    private readonly batch: PackedPredictions,
    private readonly index: number,
    private readonly explained: FeatureContribution[] | undefined,
    private readonly setAside: boolean,
  ) {
    this.label = batch.classes[batch.label[index]];
    this.confidence = batch.confidence[index];
    this.anomalyScore = batch.anomalyScore[index];
  }

  get top3(): ClassProbability[] {
    const { classes, topLabel, topProbability, topWidth } = this.batch;
    const top: ClassProbability[] = [];
    for (let j = this.index * topWidth; j < (this.index + 1) * topWidth; j++) top.push({ label: classes[topLabel[j]], probability: topProbability[j] });
    return top;
  }

  get explanation(): FeatureContribution[] {
    return this.explained ?? [];
  }

  get unsupported(): ClassProbability | undefined {
    return this.setAside ? this.top3[0] : undefined;
  }

  get input(): Float32Array {
    const { inputs, inputWidth } = this.batch;
    return inputs.subarray(this.index * inputWidth, (this.index + 1) * inputWidth);
  }
}

/** The predictions of a packed batch, in order. */
export function unpackPredictions(batch: PackedPredictions): Prediction[] {
  const explained = new Map(batch.explanations);
  const setAside = new Set(batch.unsupported);
  const out: Prediction[] = new Array(batch.count);
  for (let i = 0; i < batch.count; i++) out[i] = new PackedPrediction(batch, i, explained.get(i), setAside.has(i));
  return out;
}
