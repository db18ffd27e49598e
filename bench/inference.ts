import { join, resolve } from 'node:path';
import { activeBackend, availableBackends, BackendName, useBackend } from '../src/inference/model/backend-selector';
import { DetectionModel, PredictOptions } from '../src/inference/model/detection-model';
import { loadDetectionModel } from '../src/inference/model/model-artifact';
import { FlowCsvReader } from '../src/core/features/flow-csv-reader';

/**
 * Inference throughput of a model version (default `models/default`, or the directory given as argument) on every
 * tfjs backend that starts here, at batch sizes 1, 64 and 1024, with real CIC-IDS2017 rows from the test fixture
 * mixed as traffic is (80 % benign flows, as in the dataset). Prints flows/s with explanations for every flow,
 * for attack verdicts only (what the service computes: only alerts carry them) and without, and the per-flow cost
 * at batch 1024 relative to batch 1: the median over the rounds of each round's ratio, with their range. Batch
 * sizes are measured interleaved, in rounds, so that a change in the machine's load weighs on all of them alike.
 */
const BATCH_SIZES = [1, 64, 1024];
const ROUNDS = 9;
const SECONDS_PER_ROUND = 0.3;
const BENIGN_SHARE = 0.8;

/** Fixture rows in traffic proportions: flow k is an attack when (k · golden ratio) mod 1 falls in the attack share. */
async function trafficRows(): Promise<Float64Array[]> {
  const reader = new FlowCsvReader(join(__dirname, '..', 'test', 'fixtures', 'cicids2017-sample.csv'));
  const benign: Float64Array[] = [];
  const attacks: Float64Array[] = [];
  for await (const row of reader.rows()) (row.label === 'BENIGN' ? benign : attacks).push(row.features);
  return Array.from({ length: 4096 }, (_, k) => (((k * 0.6180339887) % 1) >= BENIGN_SHARE ? attacks[k % attacks.length] : benign[k % benign.length]));
}

function batchOf(rows: Float64Array[], size: number, offset: number): Float64Array[] {
  return Array.from({ length: size }, (_, i) => rows[(offset + i) % rows.length]);
}

/**
 * Flows per second for each batch size (all rounds together), and the per-flow cost ratio of the largest batch
 * to batch 1 in each round: rounds of SECONDS_PER_ROUND per size, after one untimed batch each.
 */
async function throughput(model: DetectionModel, rows: Float64Array[], options: PredictOptions): Promise<{ rates: number[]; ratios: number[] }> {
  const flows = BATCH_SIZES.map(() => 0);
  const seconds = BATCH_SIZES.map(() => 0);
  const ratios: number[] = [];
  for (const size of BATCH_SIZES) await model.predict(batchOf(rows, size, 0), options);
  for (let round = 0; round < ROUNDS; round++) {
    const roundRates: number[] = [];
    for (const [s, size] of BATCH_SIZES.entries()) {
      const started = performance.now();
      let batches = 0;
      while (performance.now() - started < SECONDS_PER_ROUND * 1000 || batches < 2) {
        await model.predict(batchOf(rows, size, (flows[s] + batches * size) % rows.length), options);
        batches++;
      }
      const elapsed = (performance.now() - started) / 1000;
      seconds[s] += elapsed;
      flows[s] += batches * size;
      roundRates.push((batches * size) / elapsed);
    }
    ratios.push(roundRates[0] / roundRates[roundRates.length - 1]);
  }
  return { rates: flows.map((n, s) => n / seconds[s]), ratios: ratios.sort((a, b) => a - b) };
}

async function benchBackend(name: BackendName, dir: string, rows: Float64Array[]): Promise<void> {
  if (!(await useBackend(name))) return;
  const { model, manifest } = await loadDetectionModel(dir);
  await model.warmUp();
  process.stdout.write(`\nbackend ${activeBackend()} · model ${manifest.version}\n`);
  for (const [title, options] of [
    ['explanations: all flows', { explain: true }],
    ['explanations: attacks (service)', { explain: 'attacks' }],
    ['explanations: none', { explain: false }],
  ] as const) {
    const { rates, ratios } = await throughput(model, rows, options);
    const cells = BATCH_SIZES.map((size, i) => `batch ${size}: ${rates[i].toFixed(0).padStart(7)} flows/s`);
    const median = ratios[Math.floor(ratios.length / 2)];
    const range = `1/${(1 / ratios[ratios.length - 1]).toFixed(1)}–1/${(1 / ratios[0]).toFixed(1)}`;
    const cost = `per-flow cost 1024 vs 1: 1/${(1 / median).toFixed(1)} (median of ${ROUNDS} rounds, ${range})`;
    process.stdout.write(`  ${title.padEnd(32)} ${cells.join('  ')}  ${cost}\n`);
  }
  model.dispose();
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(__dirname, '..', 'models', 'default'));
  const rows = await trafficRows();
  const backends = await availableBackends();
  process.stdout.write(`fixture flows, ${BENIGN_SHARE * 100} % benign; backends available: ${backends.join(', ')}\n`);
  for (const name of backends) await benchBackend(name, dir, rows);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
