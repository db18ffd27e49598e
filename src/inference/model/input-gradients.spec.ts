import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend-selector';
import { InputGradients } from './input-gradients';
import { buildMlp } from './mlp-architecture';

describe('InputGradients', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('matches tf.grad of the chosen logit on the detection MLP, with logit offsets', () => {
    const model = buildMlp({ inputSize: 7, classCount: 4, hidden: 8, blocks: 2, dropout: 0.2, seed: 5 });
    // Moving statistics away from 0/1 so that batch normalisation is not the identity.
    model.layers
      .filter((l) => l.getClassName() === 'BatchNormalization')
      .forEach((l, k) => l.setWeights(l.getWeights().map((w, i) => tf.fill(w.shape, [1.3, -0.2, 0.4 + k / 10, 2][i]))));
    const x = tf.randomNormal([16, 7], 0, 1, 'float32', 3) as tf.Tensor2D;
    const offsets = [0.5, 0, -0.3, 1];
    const fast = InputGradients.for(model);
    expect(fast).toBeDefined();
    const { logits, gradients } = (fast as InputGradients).compute(x, offsets);
    const expectedLogits = tf.add(model.predict(x) as tf.Tensor, offsets);
    const mask = tf.oneHot(tf.argMax(expectedLogits, 1), 4);
    const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, mask)))(x);
    expect(Array.from(logits.dataSync())).toEqual(Array.from(expectedLogits.dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(gradients.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, logits, gradients, expectedLogits, mask, expected]);
    (fast as InputGradients).dispose();
    model.dispose();
  });

  it('declines models with layers it does not differentiate', () => {
    const input = tf.input({ shape: [3] });
    const output = tf.layers.dense({ units: 2, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    expect(InputGradients.for(model)).toBeUndefined();
    model.dispose();
  });
});
