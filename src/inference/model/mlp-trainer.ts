import * as tf from '@tensorflow/tfjs';
import { buildMlp, DEFAULT_MLP, MlpConfig, reseedDropout } from './mlp-architecture';
import { SeededRandom } from './seeded-random';

/** Rows of model input (row-major, `rows × width`) with their class indices. */
export interface LabelledMatrix {
  x: Float32Array;
  y: Int32Array;
  width: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1: number;
  learningRate: number;
}

export interface TrainOptions {
  classCount: number;
  seed: number;
  /** Most epochs; training stops earlier when the validation loss stalls for `patience` epochs. */
  epochs: number;
  patience?: number;
  /** On early stopping, go back to the weights of the best epoch instead of keeping the last ones. Default false. */
  restoreBest?: boolean;
  batchSize?: number;
  learningRate?: number;
  /** The learning rate is multiplied by this after every epoch. */
  learningRateDecay?: number;
  /** Class weight = (rows / (classes × class rows)) ^ power; 0.5 weighs rare classes by the square root. */
  classWeightPower?: number;
  architecture?: Partial<Omit<MlpConfig, 'inputSize' | 'classCount' | 'seed'>>;
  onBatch?: (epoch: number, batch: number, batches: number) => void;
  onEpoch?: (record: EpochRecord) => void;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
  /** Epoch with the lowest validation loss (the last one without validation). */
  bestEpoch: number;
  /** Epoch whose weights the model holds. */
  keptEpoch: number;
  classWeights: number[];
}

const NO_VALIDATION = { valLoss: NaN, valAccuracy: NaN, valMacroF1: NaN };

/** Per-sample weighted cross-entropy on logits; the targets carry the sample weight in place of the 1. */
function weightedLogitLoss(target: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1));
}

export function computeClassWeights(y: Int32Array, classCount: number, power: number): number[] {
  const counts = new Array(classCount).fill(0);
  y.forEach((c) => counts[c]++);
  const raw = counts.map((n) => (n ? (y.length / (classCount * n)) ** power : 0));
  const norm = y.length / counts.reduce((a, n, c) => a + n * raw[c], 0);
  return raw.map((w) => w * norm);
}

/**
 * Trains the MLP with mini-batches in a seeded order, seeded dropout, weighted cross-entropy and a decaying
 * learning rate. With a validation set it stops once the validation loss has not improved for `patience` epochs
 * (keeping the last weights, which the decayed learning rate has settled, unless `restoreBest`); without one it
 * runs all epochs. The validation loss is not class-weighted: rare classes that cannot be
 * told apart (Web Attack Brute Force and XSS flows look alike) would make a weighted one rise while the model
 * still improves. The same data, options and backend give the same model.
 */
export async function trainMlp(
  train: LabelledMatrix,
  val: LabelledMatrix | undefined,
  options: TrainOptions,
): Promise<TrainResult> {
  const random = new SeededRandom(options.seed);
  const classWeights = computeClassWeights(train.y, options.classCount, options.classWeightPower ?? 0.5);
  const architecture = { ...DEFAULT_MLP, ...options.architecture };
  const model = buildMlp({ ...architecture, inputSize: train.width, classCount: options.classCount, seed: random.seed() });
  const optimizer = tf.train.adam(options.learningRate ?? 2e-3);
  model.compile({ optimizer, loss: weightedLogitLoss });
  const run: EpochRun = { model, train, classWeights, options, random, dropoutSeed: random.seed(), optimizer };
  const best = new BestWeights();
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const { loss, learningRate } = await runEpoch(run, epoch);
      const scores = val ? validate(model, val, options.classCount) : NO_VALIDATION;
      const record = { epoch, loss, ...scores, learningRate };
      history.push(record);
      options.onEpoch?.(record);
      if (val && best.offer(model, record.valLoss, epoch) >= (options.patience ?? 8)) break;
    }
    if (options.restoreBest) best.restore(model);
  } finally {
    best.dispose();
    optimizer.dispose();
  }
  const bestEpoch = val ? best.epoch : history.length;
  return { model, history, bestEpoch, keptEpoch: options.restoreBest ? bestEpoch : history.length, classWeights };
}

interface EpochRun {
  model: tf.LayersModel;
  train: LabelledMatrix;
  classWeights: number[];
  options: TrainOptions;
  random: SeededRandom;
  dropoutSeed: number;
  optimizer: tf.Optimizer;
}

/** One pass over the training rows in a seeded order; returns the mean training loss. */
async function runEpoch(run: EpochRun, epoch: number): Promise<{ loss: number; learningRate: number }> {
  const { model, train, options } = run;
  const learningRate = (options.learningRate ?? 2e-3) * (options.learningRateDecay ?? 0.9) ** (epoch - 1);
  (run.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  const batchSize = options.batchSize ?? 256;
  const rows = train.y.length;
  const batches = Math.ceil(rows / batchSize);
  const order = run.random.shuffle(Array.from({ length: rows }, (_, i) => i));
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    const idx = order.slice(b * batchSize, (b + 1) * batchSize);
    reseedDropout(model, (epoch - 1) * batches + b, run.dropoutSeed);
    lossSum += (await trainBatch(model, train, idx, run.classWeights, options.classCount)) * idx.length;
    options.onBatch?.(epoch, b + 1, batches);
  }
  return { loss: lossSum / rows, learningRate };
}

/** A copy of the weights of the epoch with the lowest validation loss so far. */
class BestWeights {
  epoch = 0;
  private loss = Infinity;
  private weights: tf.Tensor[] = [];
  private stale = 0;

  /** Keeps the weights if `loss` is the best so far; returns the number of epochs since the best one. */
  offer(model: tf.LayersModel, loss: number, epoch: number): number {
    if (loss < this.loss - 1e-5) {
      this.dispose();
      this.loss = loss;
      this.epoch = epoch;
      this.weights = model.getWeights().map((w) => w.clone());
      this.stale = 0;
    } else {
      this.stale++;
    }
    return this.stale;
  }

  restore(model: tf.LayersModel): void {
    if (this.weights.length) model.setWeights(this.weights);
  }

  dispose(): void {
    tf.dispose(this.weights);
    this.weights = [];
  }
}

async function trainBatch(
  model: tf.LayersModel,
  data: LabelledMatrix,
  idx: number[],
  classWeights: number[],
  classCount: number,
): Promise<number> {
  const x = new Float32Array(idx.length * data.width);
  const target = new Float32Array(idx.length * classCount);
  idx.forEach((row, i) => {
    x.set(data.x.subarray(row * data.width, (row + 1) * data.width), i * data.width);
    target[i * classCount + data.y[row]] = classWeights[data.y[row]];
  });
  const xt = tf.tensor2d(x, [idx.length, data.width]);
  const yt = tf.tensor2d(target, [idx.length, classCount]);
  try {
    const loss = await model.trainOnBatch(xt, yt);
    return Array.isArray(loss) ? loss[0] : loss;
  } finally {
    tf.dispose([xt, yt]);
  }
}

/** Logits of many rows, computed in batches. */
export function predictLogits(model: tf.LayersModel, x: Float32Array, width: number, batchSize = 2048): Float32Array {
  const rows = x.length / width;
  const out = new Float32Array(rows * (model.outputs[0].shape[1] as number));
  let offset = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const values = tf.tidy(() => {
      const input = tf.tensor2d(x.subarray(start * width, end * width), [end - start, width]);
      return (model.predict(input, { batchSize }) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

/** Mean cross-entropy (unweighted), accuracy and macro-F1 on the validation rows. */
function validate(model: tf.LayersModel, val: LabelledMatrix, classCount: number) {
  const logits = predictLogits(model, val.x, val.width);
  const rows = val.y.length;
  const confusion = Array.from({ length: classCount }, () => new Array(classCount).fill(0));
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const row = logits.subarray(i * classCount, (i + 1) * classCount);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0)) + max;
    loss += logSum - row[val.y[i]];
    confusion[val.y[i]][row.indexOf(max)]++;
  }
  return { valLoss: loss / rows, ...summarise(confusion) };
}

function summarise(confusion: number[][]): { valAccuracy: number; valMacroF1: number } {
  let correct = 0;
  let total = 0;
  let f1Sum = 0;
  let present = 0;
  confusion.forEach((row, k) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + r[k], 0);
    correct += row[k];
    total += support;
    if (support) {
      f1Sum += (2 * row[k]) / (support + predicted);
      present++;
    }
  });
  return { valAccuracy: total ? correct / total : 0, valMacroF1: present ? f1Sum / present : 0 };
}
