import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Verdict } from '../verdict';
import { ModelClassifier } from '../model-classifier';
import { MODEL_DRIFT_EVENT, ModelDriftPayload } from './model-drift.events';
import { ModelDriftMonitor } from './model-drift.monitor';

const DRIFT = { windowSeconds: 10, minFlows: 10, outOfDomainFire: 0.05, outOfDomainClear: 0.03, coverageFire: 0.9, coverageClear: 0.95 };
const full = () => Float64Array.from({ length: 78 }, (_, i) => i);
const verdicts = (scores: number[]) => scores.map((anomalyScore) => ({ anomalyScore }) as Verdict);

describe('ModelDriftMonitor', () => {
  let model: { version: string; domain: { threshold: number } } | null;
  let monitor: ModelDriftMonitor;
  let events: ModelDriftPayload[];
  const send = (sensorId: string | null, scores: number[], source = 'batch') => monitor.observe(source, sensorId, scores.map(full), verdicts(scores));

  beforeAll(() => Logger.overrideLogger(false)); // each spec file has its own Logger
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    model = { version: 'mlp-a', domain: { threshold: 0.6 } };
    const classifier = { info: () => model, eve: { isLoaded: () => false } } as unknown as ModelClassifier;
    const emitter = new EventEmitter2();
    events = [];
    emitter.on(MODEL_DRIFT_EVENT, (e: ModelDriftPayload) => events.push(e));
    monitor = new ModelDriftMonitor(classifier, emitter, new ConfigService({ drift: DRIFT }));
  });
  afterEach(() => {
    monitor.onModuleDestroy();
    jest.useRealTimers();
  });

  it('judges each sensor and the whole, keyed by API key id or ingest source', () => {
    send('key-1', Array(20).fill(0.5));
    send(null, [...Array(19).fill(0.5), 0.6], 'csv'); // the boundary itself is outside
    const { overall, sensors, modelVersion } = monitor.snapshot();
    expect(modelVersion).toBe('mlp-a');
    expect(overall).toMatchObject({ sensor: 'all', flows: 40, outOfDomainFlows: 1, outOfDomainRatio: 0.025, drifting: false });
    expect(sensors).toEqual([
      expect.objectContaining({ sensor: 'key-1', flows: 20, outOfDomainFlows: 0, featureCoverage: 1, drifting: false }),
      expect.objectContaining({ sensor: 'source:csv', flows: 20, outOfDomainFlows: 1, drifting: true, reasons: ['out_of_domain'] }),
    ]);
    expect(events).toEqual([expect.objectContaining({ sensor: 'source:csv', state: 'firing', flows: 20, out_of_domain_ratio: 0.05, model_version: 'mlp-a' })]);
  });

  it('clears a quiet sensor once its window empties, and forgets it', () => {
    send('key-1', Array(10).fill(0.9));
    expect(events.map((e) => `${e.sensor} ${e.state}`)).toEqual(['all firing', 'key-1 firing']);
    jest.advanceTimersByTime(9_000);
    expect(monitor.snapshot().sensors[0]).toMatchObject({ drifting: true });
    jest.advanceTimersByTime(2_000);
    expect(events.slice(2).map((e) => `${e.sensor} ${e.state} ${e.flows}`)).toEqual(['all cleared 0', 'key-1 cleared 0']);
    expect(monitor.snapshot()).toMatchObject({ overall: { flows: 0, drifting: false }, sensors: [] });
  });

  it('starts again when another model version is active, announcing the alarms it drops', () => {
    send('key-1', Array(10).fill(0.9));
    model = { version: 'mlp-b', domain: { threshold: 0.95 } };
    send('key-1', Array(10).fill(0.9));
    expect(events.map((e) => `${e.sensor} ${e.state} ${e.model_version}`)).toEqual([
      'all firing mlp-a', 'key-1 firing mlp-a', 'all cleared mlp-a', 'key-1 cleared mlp-a',
    ]);
    expect(monitor.snapshot()).toMatchObject({ modelVersion: 'mlp-b', overall: { flows: 10, outOfDomainFlows: 0, drifting: false } });
  });

  it('counts nothing while no model is loaded', () => {
    model = null;
    send('key-1', Array(10).fill(0.9));
    expect(monitor.snapshot().overall.flows).toBe(0);
  });
});
