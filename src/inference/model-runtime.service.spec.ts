import { Logger } from '@nestjs/common';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../core/domain-error';
import { useBackend } from './model/backend-selector';
import { DEFAULT_DETECTOR_SETTINGS, fitDetector } from './model/detector-training';
import { saveDetectionModel } from './model/model-artifact';
import { classNamesOf, LabelledFlows, readLabelledFlows } from './model/training-data';
import type { Prediction } from './model/detection-model';
import { ModelThread } from './model/model-thread';
import { ModelRuntime, PredictionEvent } from './model-runtime.service';
import { FEATURE_NAMES } from '../core/features/feature-names';
import { plainPrediction } from '../../test/utils/plain-prediction';

const cpuRuntime = () => {
  const runtime = new ModelRuntime();
  runtime.setBackendPreference(['cpu']);
  return runtime;
};
const fixture = join(__dirname, '..', '..', 'test', 'fixtures', 'cicids2017-sample.csv');

describe('ModelRuntime', () => {
  let root: string;
  let flows: LabelledFlows;
  const versions: string[] = [];

  /** Two model versions trained on the fixture with different seeds. */
  beforeAll(async () => {
    Logger.overrideLogger(false);
    await useBackend('cpu');
    root = mkdtempSync(join(tmpdir(), 'ids-runtime-'));
    flows = await readLabelledFlows(fixture);
    const classes = classNamesOf(flows.labels);
    for (const seed of [1, 2]) {
      const settings = { ...DEFAULT_DETECTOR_SETTINGS, seed, epochs: 3, batchSize: 64, hidden: 16, forestTrees: 10, forestSampleSize: 32 };
      const { model } = await fitDetector(flows, undefined, classes, settings);
      versions.push((await saveDetectionModel(model, join(root, `v${seed}`))).version);
      model.dispose();
    }
  }, 60_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses to predict before a model is loaded', async () => {
    const runtime = cpuRuntime();
    expect(runtime.isLoaded()).toBe(false);
    await expect(runtime.predict([flows.features[0]])).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    expect(() => runtime.info()).toThrow(DomainError);
  });

  it('loads, reports itself, warms up and predicts batches', async () => {
    const runtime = cpuRuntime();
    const info = await runtime.load(join(root, 'v1'));
    expect(info).toMatchObject({ version: versions[0], backend: 'cpu', featureNames: [...FEATURE_NAMES] });
    expect(info.labels).toHaveLength(12);
    expect(runtime.info().version).toBe(versions[0]);
    await runtime.warmUp();
    const predictions = await runtime.predict(flows.features.slice(0, 10).map((f) => Array.from(f)));
    expect(predictions).toHaveLength(10);
    runtime.onApplicationShutdown();
  });

  it('rejects vectors of the wrong length as a validation error', async () => {
    const runtime = cpuRuntime();
    await runtime.load(join(root, 'v1'));
    await expect(runtime.predict([flows.features[0], [1, 2, 3]])).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      details: [{ field: '[1]', reason: 'expected 78 features, got 3' }],
    });
    runtime.onApplicationShutdown();
  });

  it('swaps versions without failing calls in flight and frees the old version', async () => {
    const runtime = cpuRuntime();
    const empty = tf.memory().numTensors;
    await runtime.load(join(root, 'v1'));
    const baseline = tf.memory().numTensors;
    const batch = flows.features;
    const calls = [runtime.predict(batch), runtime.predict(batch), runtime.load(join(root, 'v2')), runtime.predict(batch)];
    const results = await Promise.all(calls);
    expect((results[0] as unknown[]).length).toBe(batch.length);
    expect((results[3] as unknown[]).length).toBe(batch.length);
    expect(runtime.info().version).toBe(versions[1]);
    expect(tf.memory().numTensors).toBe(baseline);
    runtime.onApplicationShutdown();
    expect(tf.memory().numTensors).toBe(empty);
  });

  it('applies concurrent loads in call order', async () => {
    const runtime = cpuRuntime();
    await Promise.all([runtime.load(join(root, 'v2')), runtime.load(join(root, 'v1'))]);
    expect(runtime.info().version).toBe(versions[0]);
    await expect(runtime.load(join(root, 'missing'))).rejects.toThrow();
    expect(runtime.info().version).toBe(versions[0]);
    runtime.onApplicationShutdown();
  });

  it('tells prediction hooks about every batch until they unsubscribe', async () => {
    const runtime = cpuRuntime();
    await runtime.load(join(root, 'v1'));
    const events: PredictionEvent[] = [];
    const off = runtime.onPrediction((e) => events.push(e));
    runtime.onPrediction(() => {
      throw new Error('a failing hook does not fail the call');
    });
    await runtime.predict(flows.features.slice(0, 4));
    off();
    await runtime.predict(flows.features.slice(0, 2));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ version: versions[0], backend: 'cpu', flows: 4 });
    expect(events[0].predictions).toHaveLength(4);
    expect(events[0].durationMs).toBeGreaterThan(0);
    runtime.onApplicationShutdown();
  });

  describe('in an inference thread', () => {
    const threadRuntime = () => {
      const runtime = cpuRuntime();
      runtime.runInThread(true);
      return runtime;
    };
    const plain = (predictions: Prediction[]) => predictions.map(plainPrediction);
    const threadOf = (runtime: ModelRuntime) => (runtime as unknown as { active: { model: ModelThread } }).active.model;

    it('gives the same predictions as the calling thread, explanations and processed features included', async () => {
      const here = cpuRuntime();
      const there = threadRuntime();
      await here.load(join(root, 'v1'));
      const info = await there.load(join(root, 'v1'));
      expect(info).toMatchObject({ version: versions[0], backend: 'cpu' });
      expect(info.labels).toEqual(here.info().labels);
      expect(threadOf(there)).toBeInstanceOf(ModelThread);
      for (const explain of [true, false, 'attacks'] as const) {
        const expected = await here.predict(flows.features, { explain });
        const actual = await there.predict(flows.features, { explain });
        expect(plain(actual)).toEqual(plain(expected));
        expect(actual.some((p) => p.explanation.length > 0)).toBe(explain !== false);
      }
      here.onApplicationShutdown();
      there.onApplicationShutdown();
    });

    it('fails the calls of a thread that dies with 503 and starts a new thread for the next call', async () => {
      const runtime = threadRuntime();
      await runtime.load(join(root, 'v1'));
      const expected = await runtime.predict(flows.features.slice(0, 8));
      const thread = threadOf(runtime);
      const inFlight = runtime.predict(flows.features);
      expect(thread.pendingCalls).toBe(1);
      await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(inFlight).rejects.toMatchObject({ code: ErrorCode.DEPENDENCY_UNAVAILABLE, retryAfter: 1 });
      expect(thread.pendingCalls).toBe(0);
      expect(plain(await runtime.predict(flows.features.slice(0, 8)))).toEqual(plain(expected));
      runtime.onApplicationShutdown();
      await expect(thread.predict(flows.features.slice(0, 1))).rejects.toThrow('model disposed');
    });

    it('swaps versions in flight, each call answered by the version it started on', async () => {
      const runtime = threadRuntime();
      await runtime.load(join(root, 'v1'));
      const v1 = await runtime.predict(flows.features);
      const first = threadOf(runtime);
      const calls = [runtime.predict(flows.features), runtime.load(join(root, 'v2')), runtime.predict(flows.features)];
      const [before, , after] = await Promise.all(calls);
      expect(plain(before as Prediction[])).toEqual(plain(v1));
      expect(runtime.info().version).toBe(versions[1]);
      expect(after).toHaveLength(flows.features.length);
      await expect(first.predict(flows.features.slice(0, 1))).rejects.toThrow('model disposed');
      runtime.onApplicationShutdown();
    });

    it('reports a version it cannot load and keeps the active one', async () => {
      const runtime = threadRuntime();
      await runtime.load(join(root, 'v1'));
      await expect(runtime.load(join(root, 'missing'))).rejects.toThrow(/inference thread could not load .*missing/);
      expect(runtime.info().version).toBe(versions[0]);
      runtime.onApplicationShutdown();
    });
  });
});
