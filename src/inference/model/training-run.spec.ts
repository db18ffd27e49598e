import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from './backend-selector';
import { FLOW_METER_ARTIFACTS } from './detector-training';
import { MODEL_CARD_FILE } from './model-card';
import { TrainingMetrics } from './training-metrics';
import { runTraining } from './training-run';
import { TRAINING_SUPPORT_FILE, TrainingSupportFile } from './training-support';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');

describe('training run on two extractions', () => {
  let dir: string;

  beforeAll(async () => {
    expect(await useBackend('cpu')).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'ids-run-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports figures per source, transfer both ways, and writes a model card from them', async () => {
    const { manifest, metrics } = await runTraining({
      data: [
        { name: 'original', path: join(fixtures, 'cicids2017-sample.csv') },
        { path: join(fixtures, 'cicids2017-improved-sample.csv') },
      ],
      out: dir,
      settings: {
        seed: 5,
        epochs: 3,
        hidden: 16,
        batchSize: 32,
        forestTrees: 10,
        forestSampleSize: 32,
        excludedFeatures: ['Subflow Fwd Packets', 'Fwd Avg Bytes/Bulk'],
      },
      evaluationSeeds: 2,
    });
    const sources = metrics.evaluation.data.sources;
    expect(sources.map((s) => [s.name, s.dialects])).toEqual([
      ['original', ['machine-learning-cve']],
      ['corrected', ['cicflowmeter-corrected']],
    ]);
    const [original, corrected] = sources.map((s) => s.rows);
    expect(metrics.evaluation.data.rows).toBe(original + corrected);

    // The held-out folds hold a fifth of each source: per-source supports add up to the run's held-out rows.
    const perSource = metrics.evaluation.perSource;
    expect(Object.keys(perSource)).toEqual(['original', 'corrected']);
    expect(perSource.original.rows).toBeCloseTo(original / 5, -1);
    const heldOut = Object.values(metrics.perClass).reduce((n, c) => n + c.support, 0);
    expect(perSource.original.rows + perSource.corrected.rows).toBe(heldOut);
    expect(perSource.corrected.spread.accuracy.min).toBeLessThanOrEqual(perSource.corrected.spread.accuracy.max);
    expect(metrics.evaluation.seeds).toHaveLength(2);

    // each pair as trained, then again with every flow-meter artifact left out, since these settings keep some
    const transfer = metrics.transfer.runs;
    expect(transfer.map((r) => [r.trainedOn, r.scoredOn, r.rows])).toEqual([
      ['original', 'corrected', corrected],
      ['corrected', 'original', original],
      ['original', 'corrected', corrected],
      ['corrected', 'original', original],
    ]);
    expect(transfer[0].excludedFeatures).toEqual(['Subflow Fwd Packets', 'Fwd Avg Bytes/Bulk']);
    expect(transfer[2].excludedFeatures).toEqual(expect.arrayContaining([...FLOW_METER_ARTIFACTS]));
    expect(transfer[2].excludedFeatures).toHaveLength(FLOW_METER_ARTIFACTS.length);
    // Classes only the corrected extraction has are never predicted by a model of the original one.
    expect(transfer[0].perClassRecall['Infiltration PortScan']).toBe(0);
    expect(transfer[0].sharedClasses.classes).not.toContain('Heartbleed');

    expect(manifest.featureNames).toHaveLength(78);
    const transform = JSON.parse(readFileSync(join(dir, 'transform.json'), 'utf8')) as { dropped: string[] };
    expect(transform.dropped).toEqual(expect.arrayContaining(['Subflow Fwd Packets', 'Fwd Avg Bytes/Bulk']));
    const saved = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as TrainingMetrics;
    expect(saved.transfer.runs).toHaveLength(4);

    // the training rows per protocol and class, beside the model: the corrected file's protocol column, the
    // original's TCP rows by their flags (its other rows have no known protocol)
    const support = JSON.parse(readFileSync(join(dir, TRAINING_SUPPORT_FILE), 'utf8')) as TrainingSupportFile;
    expect(support.rows).toBe(original + corrected);
    expect(support.minClassRows).toBe(50);
    const counted = Object.values(support.protocols).flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    expect(counted + support.unknownProtocolRows).toBe(support.rows);
    expect(support.unknownProtocolRows).toBeGreaterThan(0);
    expect(support.protocols['6']).toMatchObject({ BENIGN: expect.any(Number), 'Infiltration PortScan': expect.any(Number) });

    const card = readFileSync(join(dir, MODEL_CARD_FILE), 'utf8');
    expect(card).toContain(`# Model card: ${manifest.version}`);
    expect(card).toContain(`| original | corrected | 2 left out | ${corrected} | ${transfer[0].accuracy.toFixed(3)} |`);
    const leftOut = `${FLOW_METER_ARTIFACTS.length} left out`;
    expect(card).toContain(`| original | corrected | ${leftOut} | ${corrected} | ${transfer[2].accuracy.toFixed(3)} |`);
    expect(card).toContain('| original → corrected | corrected → original | original → corrected (artifacts left out) |');
    expect(card).toContain('`Subflow Fwd Packets`');
    expect(card).toContain('## Suricata EVE model');
  }, 240_000);

  it('with groupTwins, trains and says in the protocol and the model card that twins stay in one fold', async () => {
    const out = join(dir, 'grouped');
    const { metrics } = await runTraining({
      data: [{ path: join(fixtures, 'cicids2017-improved-sample.csv') }],
      out,
      settings: { seed: 3, epochs: 1, hidden: 8, batchSize: 64, forestTrees: 5, forestSampleSize: 16 },
      evaluationSeeds: 1,
      transfer: false,
      groupTwins: true,
    });
    expect(metrics.evaluation.protocol).toContain('rows with identical feature vectors always in one fold');
    const card = readFileSync(join(out, MODEL_CARD_FILE), 'utf8');
    expect(card).toContain('identical feature vectors always in one fold');
  }, 120_000);
});
