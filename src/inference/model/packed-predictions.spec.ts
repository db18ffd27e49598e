import type { Prediction } from './detection-model';
import { packPredictions, unpackPredictions } from './packed-predictions';
import { plainPrediction } from '../../../test/utils/plain-prediction';

describe('packed predictions', () => {
  const prediction = (i: number, over: Partial<Prediction> = {}): Prediction => ({
    label: ['BENIGN', 'DDoS', 'PortScan'][i % 3],
    confidence: 0.5 + i / 1000,
    top3: [
      { label: ['BENIGN', 'DDoS', 'PortScan'][i % 3], probability: 0.5 + i / 1000 },
      { label: 'Bot', probability: 0.25 - i / 3000 },
      { label: 'Web Attack – XSS', probability: 1 / 3 },
    ],
    anomalyScore: 0.1 * (i % 10),
    explanation: i % 3 ? [{ feature: 'Flow Duration', value: i * 1.5, contribution: -0.125 * i }] : [],
    input: Float32Array.from({ length: 4 }, (_, k) => i * 10 + k + 0.1),
    ...over,
  });

  it('gives back every field of every prediction, through a structured clone with its buffers transferred', () => {
    const predictions = Array.from({ length: 50 }, (_, i) => prediction(i, i === 7 ? { label: 'Anomaly', confidence: 0.93 } : {}));
    // a verdict whose first class the training data did not support on the flow's protocol
    predictions[11] = prediction(11, { label: 'BENIGN', confidence: 0.04, unsupported: prediction(11).top3[0] });
    const { packed, transfer } = packPredictions(predictions);
    const received = structuredClone(packed, { transfer });
    expect(packed.label.byteLength).toBe(0); // moved, not copied
    const unpacked = unpackPredictions(received);
    expect(unpacked.map(plainPrediction)).toEqual(predictions.map(plainPrediction));
    expect(unpacked[7].label).toBe('Anomaly');
    expect(unpacked[11].unsupported).toEqual({ label: 'PortScan', probability: 0.511 });
    expect(unpacked.filter((p) => p.unsupported)).toHaveLength(1);
    // only the explanations that exist cross over
    expect(received.explanations.map(([i]) => i)).toEqual(predictions.flatMap((p, i) => (p.explanation.length ? [i] : [])));
  });

  it('reads the model input of a flow without copying the batch', () => {
    const { packed } = packPredictions([prediction(0), prediction(1)]);
    const [, second] = unpackPredictions(packed);
    expect(second.input.buffer).toBe(packed.inputs.buffer);
    expect(Array.from(second.input)).toEqual(Array.from(Float32Array.from([10.1, 11.1, 12.1, 13.1])));
  });

  it('packs an empty batch and refuses a batch whose predictions differ in shape', () => {
    expect(unpackPredictions(packPredictions([]).packed)).toEqual([]);
    expect(() => packPredictions([prediction(0), prediction(1, { top3: [] })])).toThrow(RangeError);
    expect(() => packPredictions([prediction(0), prediction(1, { input: new Float32Array(3) })])).toThrow(RangeError);
  });
});
