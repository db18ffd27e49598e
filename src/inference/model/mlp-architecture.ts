import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from './seeded-random';

export interface MlpConfig {
  inputSize: number;
  classCount: number;
  /** Width of the hidden layers. */
  hidden: number;
  /** Number of residual blocks after the input layer. */
  blocks: number;
  dropout: number;
  seed: number;
}

export const DEFAULT_MLP: Omit<MlpConfig, 'inputSize' | 'classCount' | 'seed'> = {
  hidden: 96,
  blocks: 1,
  dropout: 0.1,
};

/**
 * The classifier: a dense input layer, `blocks` residual blocks (dense → batch norm → ReLU → dropout → dense →
 * batch norm, added to the block input), dropout and a dense output of one logit per class. Every initialiser
 * is seeded so that a seed gives the same starting weights.
 */
export function buildMlp(config: MlpConfig): tf.LayersModel {
  const random = new SeededRandom(config.seed);
  const dense = (units: number, name: string) =>
    tf.layers.dense({
      units,
      name,
      kernelInitializer: tf.initializers.heNormal({ seed: random.seed() }),
      biasInitializer: 'zeros',
    });
  const input = tf.input({ shape: [config.inputSize], name: 'features' });
  let x = dense(config.hidden, 'dense_in').apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_in' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu_in' }).apply(x) as tf.SymbolicTensor;
  for (let b = 0; b < config.blocks; b++) {
    const seed = random.seed();
    let r = dense(config.hidden, `block${b}_dense_a`).apply(x) as tf.SymbolicTensor;
    r = tf.layers.batchNormalization({ name: `block${b}_bn_a` }).apply(r) as tf.SymbolicTensor;
    r = tf.layers.reLU({ name: `block${b}_relu_a` }).apply(r) as tf.SymbolicTensor;
    r = tf.layers.dropout({ rate: config.dropout, seed, name: `block${b}_dropout` }).apply(r) as tf.SymbolicTensor;
    r = dense(config.hidden, `block${b}_dense_b`).apply(r) as tf.SymbolicTensor;
    r = tf.layers.batchNormalization({ name: `block${b}_bn_b` }).apply(r) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `block${b}_residual` }).apply([x, r]) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `block${b}_relu_out` }).apply(x) as tf.SymbolicTensor;
  }
  const outDropout = tf.layers.dropout({ rate: config.dropout, seed: random.seed(), name: 'dropout_out' });
  x = outDropout.apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: config.classCount,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotUniform({ seed: random.seed() }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'ids_mlp' });
}

/** Dropout layers draw a fresh mask each step from a seed derived from the step number, reproducibly. */
export function reseedDropout(model: tf.LayersModel, step: number, base: number): void {
  model.layers.forEach((layer, k) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = base + step * 1009 + k;
  });
}
