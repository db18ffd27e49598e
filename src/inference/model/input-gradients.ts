import * as tf from '@tensorflow/tfjs';

type Backward = (gradient: tf.Tensor, input: tf.Tensor) => tf.Tensor;

interface Step {
  layer: tf.layers.Layer;
  inputs: string[];
  /** Gradient with respect to the layer's input(s), given the gradient of its output and its (first) input. */
  backward: Backward;
}

/**
 * Logits and d(chosen logit)/d(input) of a feed-forward tfjs layers model in inference mode, computed by walking
 * its layers with weights transposed once at start-up. tf.grad would back-propagate through Dense layers with
 * transposed matrix products, which the WebAssembly backend runs about ten times slower than plain ones.
 * Supports the layers the detection MLP is made of (Dense with a linear activation, BatchNormalization, ReLU,
 * Dropout, Add); {@link InputGradients.supports} tells whether a model qualifies.
 */
export class InputGradients {
  private constructor(
    private readonly steps: Step[],
    private readonly owned: tf.Tensor[],
    private readonly outputName: string,
  ) {}

  /** An instance for `model`, or undefined when it contains a layer this class does not differentiate. */
  static for(model: tf.LayersModel): InputGradients | undefined {
    const owned: tf.Tensor[] = [];
    const steps: Step[] = [];
    for (const layer of model.layers) {
      const inputs = (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => l.name);
      const backward = layer.getClassName() === 'InputLayer' ? identity : backwardOf(layer, owned);
      if (!backward) {
        tf.dispose(owned);
        return undefined;
      }
      steps.push({ layer, inputs, backward });
    }
    return new InputGradients(steps, owned, model.outputLayers[0].name);
  }

  /**
   * Logits plus `offsets`, and the gradient of each row's largest adjusted logit with respect to that row's
   * input. The caller disposes both tensors.
   */
  compute(x: tf.Tensor2D, offsets: readonly number[]): { logits: tf.Tensor2D; gradients: tf.Tensor2D } {
    return tf.tidy(() => {
      const outputs = this.forward(x);
      const logits = tf.add(outputs.get(this.outputName) as tf.Tensor, offsets) as tf.Tensor2D;
      const seed = tf.oneHot(tf.argMax(logits, 1), logits.shape[1]).toFloat();
      return { logits, gradients: this.backward(outputs, seed) as tf.Tensor2D };
    });
  }

  dispose(): void {
    tf.dispose(this.owned);
  }

  private forward(x: tf.Tensor): Map<string, tf.Tensor> {
    const outputs = new Map<string, tf.Tensor>();
    for (const { layer, inputs } of this.steps) {
      if (!inputs.length) {
        outputs.set(layer.name, x);
        continue;
      }
      const args = inputs.map((name) => outputs.get(name) as tf.Tensor);
      outputs.set(layer.name, layer.apply(args.length === 1 ? args[0] : args) as tf.Tensor);
    }
    return outputs;
  }

  private backward(outputs: Map<string, tf.Tensor>, seed: tf.Tensor): tf.Tensor {
    const grads = new Map<string, tf.Tensor>([[this.outputName, seed]]);
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const { layer, inputs, backward } = this.steps[i];
      const g = grads.get(layer.name);
      if (!g) continue;
      if (!inputs.length) return g;
      const inputGrad = backward(g, outputs.get(inputs[0]) as tf.Tensor);
      for (const name of inputs) {
        const previous = grads.get(name);
        grads.set(name, previous ? tf.add(previous, inputGrad) : inputGrad);
      }
    }
    throw new Error('the model has no input layer');
  }
}

const identity: Backward = (g) => g;

function backwardOf(layer: tf.layers.Layer, owned: tf.Tensor[]): Backward | undefined {
  const config = layer.getConfig();
  switch (layer.getClassName()) {
    case 'Dense': {
      if (config.activation !== 'linear') return undefined;
      const kernelT = tf.transpose(layer.getWeights()[0]);
      owned.push(kernelT);
      return (g) => tf.matMul(g, kernelT);
    }
    case 'BatchNormalization': {
      if (config.axis !== -1 && config.axis !== 1) return undefined;
      const weights = layer.getWeights();
      const gamma = config.scale ? weights[0] : tf.onesLike(weights[weights.length - 1]);
      const variance = weights[weights.length - 1];
      const scale = tf.tidy(() => tf.div(gamma, tf.sqrt(tf.add(variance, config.epsilon as number))));
      owned.push(scale);
      if (!config.scale) gamma.dispose();
      return (g) => tf.mul(g, scale);
    }
    case 'ReLU':
      return config.maxValue == null ? (g, input) => tf.mul(g, tf.step(input)) : undefined;
    case 'Dropout':
    case 'Add':
      return identity;
    default:
      return undefined;
  }
}
