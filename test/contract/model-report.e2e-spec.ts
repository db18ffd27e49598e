import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/inference/model/backend-selector';
import { runTraining, TrainingRunOptions } from '../../src/inference/model/training-run';
import { openApiValidator } from '../utils/openapi-validator';

/**
 * `ModelVersionDto.metrics` and `.data_summary` are metrics.json and the manifest's `training` part as stored when
 * a version is registered: what the trainer writes (shipped models, a run now, a run with no evaluation) must match
 * the schemas of openapi.json exactly, with no field the contract does not describe.
 */
const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const readJson = (...path: string[]) => JSON.parse(readFileSync(join(...path), 'utf8'));

describe('model version metrics and data summary in the contract', () => {
  const validate = openApiValidator();
  let dir: string;

  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'ids-contract-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function train(name: string, options: Partial<TrainingRunOptions>) {
    const out = join(dir, name);
    const settings = { seed: 3, epochs: 2, hidden: 8, batchSize: 32, forestTrees: 5, forestSampleSize: 32 };
    await runTraining({ data: join(fixtures, 'cicids2017-sample.csv'), out, settings, ...options });
    return { metrics: readJson(out, 'metrics.json'), training: readJson(out, 'manifest.json').training };
  }

  it.each(['default', 'default-eve'])('the shipped model models/%s', (model) => {
    expect(validate('ModelMetricsDto', readJson(root, 'models', model, 'metrics.json'))).toEqual([]);
    // registered at start-up from MODEL_DIR (src/inference/registry/model-registry.service.ts)
    const summary = { ...readJson(root, 'models', model, 'manifest.json').training, source: 'MODEL_DIR' };
    expect(validate('ModelDataSummaryDto', summary)).toEqual([]);
  });

  it('a run on two sources (per source, transfer), registered by a retraining job', async () => {
    const sources = [
      { name: 'original', path: join(fixtures, 'cicids2017-sample.csv') },
      { name: 'corrected', path: join(fixtures, 'cicids2017-improved-sample.csv') },
    ];
    const { metrics, training } = await train('two', { data: sources, evaluationSeeds: 2 });
    expect(Object.keys(metrics.evaluation.perSource)).toEqual(['original', 'corrected']);
    expect(metrics.transfer.runs).toHaveLength(2);
    expect(validate('ModelMetricsDto', metrics)).toEqual([]);
    // the training processor adds its job's fields (src/inference/training/training.processor.ts)
    for (const data_path of ['/srv/datasets/cicids2017/train.csv', null]) {
      expect(validate('ModelDataSummaryDto', { ...training, job_id: '12', data_path, feedback: true })).toEqual([]);
    }
  }, 240_000);

  it('a run with no evaluation (--eval-seeds 0): the figures are null, the spread empty', async () => {
    const { metrics, training } = await train('none', { evaluationSeeds: 0, featureSet: 'eve' });
    expect(metrics).toMatchObject({ accuracy: null, macroF1: null, evaluation: { seeds: [], spread: {} } });
    expect(validate('ModelMetricsDto', metrics)).toEqual([]);
    expect(validate('ModelDataSummaryDto', training)).toEqual([]);
  }, 120_000);

  it('a field the contract does not describe, or a figure of the wrong type, is caught', () => {
    const metrics = readJson(root, 'models', 'default', 'metrics.json');
    metrics.evaluation.seeds[0].undescribed = 1;
    metrics.perClass.BENIGN.f1 = 'high';
    expect(validate('ModelMetricsDto', metrics).sort()).toEqual([
      'ModelMetricsDto/evaluation/seeds/0 must NOT have additional properties (undescribed)',
      'ModelMetricsDto/perClass/BENIGN/f1 must be number',
    ]);
  });
});
