import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_NAMES } from '../../core/features/feature-names';
import { useBackend } from './backend-selector';
import { DetectionModel } from './detection-model';
import { DEFAULT_DETECTOR_SETTINGS, DetectorSettings, fitDetector } from './detector-training';
import { loadDetectionModel, saveDetectionModel } from './model-artifact';
import { classNamesOf, readLabelledFlows } from './training-data';

const fixture = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'cicids2017-sample.csv');
const settings: DetectorSettings = {
  ...DEFAULT_DETECTOR_SETTINGS,
  seed: 11,
  epochs: 12,
  batchSize: 32,
  learningRate: 5e-3,
  hidden: 32,
  indicators: [{ feature: 'Destination Port', minCount: 3, maxValues: 8 }],
  forestTrees: 20,
  forestSampleSize: 64,
};

describe('training round trip on the fixture', () => {
  let dir: string;

  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'ids-model-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, saves, reloads and predicts identically; a second training with the seed is identical', async () => {
    const flows = await readLabelledFlows(fixture);
    const classes = classNamesOf(flows.labels);
    expect(classes).toHaveLength(12);
    const first = await fitDetector(flows, undefined, classes, settings);
    const manifest = await saveDetectionModel(first.model, dir, { metrics: { note: 'fixture' } });
    expect(readdirSync(dir).sort()).toEqual(
      ['anomaly-detector.json', 'decision.json', 'labels.json', 'manifest.json', 'metrics.json', 'model.json', 'transform.json', 'weights.bin'].sort(),
    );
    expect(JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'))).toEqual(classes);

    const before = await first.model.predict(flows.features);
    const { model: reloaded, manifest: readBack } = await loadDetectionModel(dir);
    expect(readBack.version).toBe(manifest.version);
    expect(await reloaded.predict(flows.features)).toEqual(before);

    const accuracy = before.filter((p, i) => p.label === flows.labels[i]).length / before.length;
    expect(accuracy).toBeGreaterThan(0.8);

    const second = await fitDetector(flows, undefined, classes, settings);
    const again = await saveDetectionModel(second.model, mkdtempSync(join(dir, 'again-')));
    expect(again.version).toBe(manifest.version);
    [first.model, second.model, reloaded].forEach((m) => m.dispose());
  }, 180_000);

  it('returns one complete prediction per flow, with explanations from real features', async () => {
    const flows = await readLabelledFlows(fixture);
    const { model } = await loadDetectionModel(dir);
    const predictions = await model.predict(flows.features.slice(0, 5), { explainTop: 4 });
    expect(predictions).toHaveLength(5);
    for (const p of predictions) {
      expect(model.labels).toContain(p.label === 'Anomaly' ? 'BENIGN' : p.label);
      expect(p.top3).toHaveLength(3);
      expect(p.top3[0].probability).toBeGreaterThanOrEqual(p.top3[1].probability);
      expect(p.top3.reduce((a, c) => a + c.probability, 0)).toBeLessThanOrEqual(1 + 1e-6);
      expect(p.anomalyScore).toBeGreaterThan(0);
      expect(p.anomalyScore).toBeLessThan(1);
      expect(p.explanation).toHaveLength(4);
      p.explanation.forEach((e) => expect(FEATURE_NAMES).toContain(e.feature));
      const magnitudes = p.explanation.map((e) => Math.abs(e.contribution));
      expect([...magnitudes].sort((a, b) => b - a)).toEqual(magnitudes);
    }
    expect(await model.predict([])).toEqual([]);
    const quiet = await model.predict(flows.features.slice(0, 2), { explain: false });
    expect(quiet.map((p) => p.explanation)).toEqual([[], []]);
    expect(quiet.map((p) => p.label)).toEqual(predictions.slice(0, 2).map((p) => p.label));

    // explanations for attack verdicts only: the same verdicts and, for those rows, the same explanations
    const all = await model.predict(flows.features, { explainTop: 4 });
    const attacks = await model.predict(flows.features, { explainTop: 4, explain: 'attacks' });
    expect(attacks.map((p) => [p.label, p.top3])).toEqual(all.map((p) => [p.label, p.top3]));
    expect(attacks.some((p) => p.label === 'BENIGN') && attacks.some((p) => p.label !== 'BENIGN')).toBe(true);
    attacks.forEach((p, i) => {
      if (p.label === 'BENIGN') expect(p.explanation).toEqual([]);
      else expect(p.explanation.map((e) => [e.feature, e.contribution])).toEqual(all[i].explanation.map((e) => [e.feature, expect.closeTo(e.contribution, 4)]));
    });
    // the processed features each verdict was computed from are the fitted transform's output
    expect(Array.from(all[0].input)).toEqual(Array.from(model.parts.transform.apply(flows.features[0])));
    model.dispose();
    await expect(model.predict(flows.features.slice(0, 1))).rejects.toThrow(/disposed/);
  });

  it('applies the logit offsets and turns strongly anomalous benign verdicts into Anomaly', async () => {
    const flows = await readLabelledFlows(fixture);
    const { model } = await loadDetectionModel(dir);
    const parts = model.parts;
    const botFirst = new DetectionModel({ ...parts, logitOffsets: parts.labels.map((l) => (l === 'Bot' ? 100 : 0)) });
    expect(new Set((await botFirst.predict(flows.features, { explain: false })).map((p) => p.label))).toEqual(new Set(['Bot']));
    const benignFirst = new DetectionModel({
      ...parts,
      anomalyThreshold: 0,
      logitOffsets: parts.labels.map((l) => (l === 'BENIGN' ? 100 : 0)),
    });
    const anomalies = await benignFirst.predict(flows.features.slice(0, 3), { explain: false });
    anomalies.forEach((p) => {
      expect(p).toMatchObject({ label: 'Anomaly', confidence: p.anomalyScore });
      expect(p.top3[0].label).toBe('BENIGN');
    });
    model.dispose();
  });

  it('leaves no tensors behind after predictions', async () => {
    const flows = await readLabelledFlows(fixture);
    const { model } = await loadDetectionModel(dir);
    await model.predict(flows.features.slice(0, 3));
    const held = tf.memory().numTensors;
    await model.predict(flows.features);
    expect(tf.memory().numTensors).toBe(held);
    model.dispose();
  });
});
