import { join, resolve } from 'node:path';
import { activeBackend, availableBackends, BackendName, useBackend } from '../src/inference/model/backend-selector';
import { DetectionModel, PredictOptions } from '../src/inference/model/detection-model';
import { loadDetectionModel } from '../src/inference/model/model-artifact';
import { FlowCsvReader } from '../src/inference/pipeline/flow-csv-reader';

/**
 * Inference throughput of a model version (default `models/default`, or the directory given as argument) on every
 * tfjs backend that starts here, at batch sizes 1, 64 and 1024, with real CIC-IDS2017 rows from the test fixture.
 * Prints flows/s with and without explanations, and the per-flow cost at batch 1024 relative to batch 1.
 */
const BATCH_SIZES = [1, 64, 1024];
const MIN_SECONDS = 1.5;

async function fixtureRows(): Promise<Float64Array[]> {
  const reader = new FlowCsvReader(join(__dirname, '..', 'test', 'fixtures', 'cicids2017-sample.csv'));
  const rows: Float64Array[] = [];
  for await (const row of reader.rows()) rows.push(row.features);
  return rows;
}

function batchOf(rows: Float64Array[], size: number, offset: number): Float64Array[] {
  return Array.from({ length: size }, (_, i) => rows[(offset + i) % rows.length]);
}

/** Flows per second for one batch size: repeated batches for at least MIN_SECONDS after one untimed batch. */
async function throughput(
  model: DetectionModel,
  rows: Float64Array[],
  size: number,
  options: PredictOptions,
): Promise<number> {
  await model.predict(batchOf(rows, size, 0), options);
  let flows = 0;
  let batches = 0;
  const started = performance.now();
  while (performance.now() - started < MIN_SECONDS * 1000 || batches < 3) {
    await model.predict(batchOf(rows, size, batches * size), options);
    flows += size;
    batches++;
  }
  return flows / ((performance.now() - started) / 1000);
}

async function benchBackend(name: BackendName, dir: string, rows: Float64Array[]): Promise<void> {
  if (!(await useBackend(name))) return;
  const { model, manifest } = await loadDetectionModel(dir);
  await model.warmUp();
  process.stdout.write(`\nbackend ${activeBackend()} · model ${manifest.version}\n`);
  for (const [title, options] of [
    ['with explanations', { explain: true }],
    ['without explanations', { explain: false }],
  ] as const) {
    const rates: number[] = [];
    for (const size of BATCH_SIZES) rates.push(await throughput(model, rows, size, options));
    const cells = BATCH_SIZES.map((size, i) => `batch ${size}: ${rates[i].toFixed(0).padStart(7)} flows/s`);
    const ratio = rates[0] / rates[rates.length - 1];
    const cost = `per-flow cost 1024 vs 1: 1/${(1 / ratio).toFixed(1)}`;
    process.stdout.write(`  ${title.padEnd(21)} ${cells.join('  ')}  ${cost}\n`);
  }
  model.dispose();
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(__dirname, '..', 'models', 'default'));
  const rows = await fixtureRows();
  const backends = await availableBackends();
  process.stdout.write(`${rows.length} fixture flows; backends available: ${backends.join(', ')}\n`);
  for (const name of backends) await benchBackend(name, dir, rows);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
