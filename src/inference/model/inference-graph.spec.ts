import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend-selector';
import { InferenceGraph } from './inference-graph';
import { buildMlp } from './mlp-architecture';

describe('InferenceGraph', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  /** The detection MLP with batch normalisation statistics away from 0/1, so that folding them changes weights. */
  const detectionMlp = () => {
    const model = buildMlp({ inputSize: 7, classCount: 4, hidden: 8, blocks: 2, dropout: 0.2, seed: 5 });
    model.layers
      .filter((l) => l.getClassName() === 'BatchNormalization')
      .forEach((l, k) => l.setWeights(l.getWeights().map((w, i) => tf.fill(w.shape, [1.3, -0.2, 0.4 + k / 10, 2][i]))));
    return model;
  };
  const closeTo = (t: tf.Tensor) => Array.from(t.dataSync()).map((v) => expect.closeTo(v, 5));

  it('gives the layers model output with batch normalisation folded and ReLU fused into the dense layers', () => {
    const model = detectionMlp();
    const graph = InferenceGraph.compile(model)!;
    expect(graph).toBeDefined();
    const kinds = (graph as unknown as { nodes: { kind: string }[] }).nodes.map((n) => n.kind);
    // 2 blocks: input, dense_in(+relu), per block dense_a(+relu), dense_b, add, relu; logits
    expect(kinds).toEqual(['input', 'dense', 'dense', 'dense', 'add', 'relu', 'dense', 'dense', 'add', 'relu', 'dense']);
    const x = tf.randomNormal([16, 7], 0, 1, 'float32', 3) as tf.Tensor2D;
    const out = graph.run(x);
    const expected = model.predict(x) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(closeTo(expected));
    tf.dispose([x, out, expected]);
    graph.dispose();
    model.dispose();
  });

  it('matches tf.grad of the chosen logit, with logit offsets', () => {
    const model = detectionMlp();
    const x = tf.randomNormal([16, 7], 0, 1, 'float32', 3) as tf.Tensor2D;
    const offsets = [0.5, 0, -0.3, 1];
    const graph = InferenceGraph.compile(model)!;
    const { logits, gradients } = graph.logitsAndGradients(x, offsets);
    const expectedLogits = tf.add(model.predict(x) as tf.Tensor, offsets);
    const mask = tf.oneHot(tf.argMax(expectedLogits, 1), 4);
    const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v) as tf.Tensor, mask)))(x);
    expect(Array.from(logits.dataSync())).toEqual(closeTo(expectedLogits));
    expect(Array.from(gradients.dataSync())).toEqual(closeTo(expected));
    tf.dispose([x, logits, gradients, expectedLogits, mask, expected]);
    graph.dispose();
    model.dispose();
  });

  it('holds its weights beyond a tidy it was compiled in, and frees them on dispose', () => {
    const model = detectionMlp();
    const before = tf.memory().numTensors;
    let compiled: InferenceGraph | undefined;
    tf.tidy(() => {
      compiled = InferenceGraph.compile(model);
    });
    const graph = compiled!;
    const x = tf.ones([2, 7]) as tf.Tensor2D;
    const out = graph.run(x);
    expect(out.shape).toEqual([2, 4]);
    tf.dispose([x, out]);
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('declines models with layers it does not support', () => {
    const input = tf.input({ shape: [3] });
    const output = tf.layers.dense({ units: 2, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const before = tf.memory().numTensors;
    expect(InferenceGraph.compile(model)).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
