import 'reflect-metadata';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ApiKeysService } from '../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../src/common/auth/principal';
import { copyFlows, reserveFlowIds } from '../src/flows/ingest/flow-copy.writer';
import { ValidatedFlow } from '../src/flows/ingest/flow-input';
import { FlowClassifier } from '../src/flows/ingest/verdict';
import { featuresOf, readFixtureRows } from '../test/utils/fixtures';
import { percentile, runConcurrent, startBenchServer } from './bench-app';
import { seedAlertsAndMeasureList } from './alerts-list';
import { measureAlertLatency } from './alert-latency';

/**
 * Ingest benchmark: end-to-end flows/s on the batch and single routes, inference alone and COPY alone on the
 * same rows, their ratios, alert latency and peak RSS. The last line printed is one JSON object of figures.
 *
 * Traffic is real CIC-IDS2017 rows (the test fixture) in two mixes. "Typical": the dataset's own share of benign
 * flows (80 %), attacks coming from a pool of 32 attacker addresses, as attacks do (a few sources, many
 * flows): alerts are raised and then de-duplicated. "Storm": every flow an attack from an address never seen
 * before, so every flow raises a new alert; the worst case of the alert path. The ratios use the typical mix.
 * Request bodies are serialised before the clock starts (a sensor's JSON encoding is not the server's work).
 * Environment: BENCH_BATCHES (default 40), BENCH_SINGLES (2000), BENCH_ROUNDS (4), BENCH_LATENCY_SECONDS (15),
 * BENCH_ALERTS (1000000; 0 skips the alert-list test).
 */
const BATCH_SIZE = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 2000);
const ALERT_ROWS = Number(process.env.BENCH_ALERTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BENIGN_SHARE = 0.8;
const ATTACKERS = 32;

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

type Rows = Awaited<ReturnType<typeof readFixtureRows>>;

/** Flow `k` of a mix: its fixture row and source address. */
function pick(rows: Rows, k: number, mix: 'typical' | 'storm'): { row: Rows[number]; src: string } {
  if (mix === 'storm') {
    const attacks = rows.filter((r) => r.label !== 'BENIGN');
    return { row: attacks[k % attacks.length], src: `198.18.${(k >> 8) & 255}.${k & 255}` };
  }
  const benign = rows.filter((r) => r.label === 'BENIGN');
  const attacks = rows.filter((r) => r.label !== 'BENIGN');
  // a fixed, well-spread sequence: flow k is an attack when (k · golden ratio) mod 1 falls in the attack share
  const isAttack = ((k * 0.6180339887) % 1) >= BENIGN_SHARE;
  return isAttack
    ? { row: attacks[k % attacks.length], src: `198.18.255.${k % ATTACKERS}` }
    : { row: benign[k % benign.length], src: `198.18.${(k >> 8) & 127}.${k & 255}` };
}

function flowsOf(rows: Rows, n: number, offset: number, mix: 'typical' | 'storm' = 'typical') {
  return Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    const { row, src } = pick(rows, k, mix);
    return { src_ip: src, dst_ip: '198.19.0.1', src_port: 1024 + (k % 60000), dst_port: row.features[0], protocol: 6, features: featuresOf(row) };
  });
}

/** A measured phase: flows and seconds summed over the rounds it ran in. */
class Phase {
  flows = 0;
  seconds = 0;
  constructor(readonly label: string) {}

  async run(flows: number, work: () => Promise<void>): Promise<void> {
    const start = process.hrtime.bigint();
    await work();
    this.seconds += Number(process.hrtime.bigint() - start) / 1e9;
    this.flows += flows;
  }

  get rate(): number {
    return this.flows / this.seconds;
  }

  report(): number {
    log(`${this.label.padEnd(30)} ${this.flows} flows in ${this.seconds.toFixed(2)} s = ${this.rate.toFixed(0)} flows/s`);
    return this.rate;
  }
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const key = (await server.app.get(ApiKeysService).create(SYSTEM_ACTOR, 'bench', null)).secret;
  const rows = await readFixtureRows();
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const post = async (path: string, body: string) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  await post('/flows/batch', JSON.stringify({ flows: flowsOf(rows, BATCH_SIZE, 0) })); // warm-up

  // Alert latency first, on a server in a steady state of its own (not catching up with the checkpoints and
  // vacuums that the throughput phases' hundreds of thousands of rows set off).
  const latencies = await measureAlertLatency(server, key, rows, 2000, Number(process.env.BENCH_LATENCY_SECONDS ?? 15));

  const bodies = (mix: 'typical' | 'storm', offset: number) =>
    Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ flows: flowsOf(rows, BATCH_SIZE, offset + b * BATCH_SIZE, mix) }));
  const typical = bodies('typical', BATCH_SIZE);
  const storm = bodies('storm', 0);
  const singles = flowsOf(rows, SINGLES, 7).map((f) => JSON.stringify(f));
  const vectors: ValidatedFlow[] = flowsOf(rows, BATCH_SIZE * 10, BATCH_SIZE).map((f, i) => ({
    flowId: null, srcIp: f.src_ip, dstIp: f.dst_ip, srcPort: f.src_port, dstPort: f.dst_port, protocol: 6, timestamp: null,
    features: pick(rows, BATCH_SIZE + i, 'typical').row.features,
  }));
  const classifier = server.app.get(FlowClassifier);
  const verdicts = await classifier.classify(vectors.slice(0, BATCH_SIZE).map((v) => v.features));
  const runner = server.app.get(DataSource).createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as PoolClient;

  // The phases run interleaved, in rounds, so that a change in the machine's load weighs on all of them alike
  // and the ratios stay meaningful on a busy machine.
  const phases = {
    batch: new Phase('batch route, typical mix'),
    storm: new Phase('batch route, alert storm'),
    single: new Phase('single route, typical mix'),
    inference: new Phase('inference alone (1000/call)'),
    copy: new Phase('COPY alone (1000/statement)'),
  };
  const share = (n: number, r: number) => [Math.floor((n * r) / ROUNDS), Math.floor((n * (r + 1)) / ROUNDS)];
  for (let r = 0; r < ROUNDS; r++) {
    const [b0, b1] = share(BATCHES, r);
    await phases.batch.run((b1 - b0) * BATCH_SIZE, () => runConcurrent(b1 - b0, 4, (i) => post('/flows/batch', typical[b0 + i])));
    await phases.storm.run((b1 - b0) * BATCH_SIZE, () => runConcurrent(b1 - b0, 4, (i) => post('/flows/batch', storm[b0 + i])));
    const [s0, s1] = share(SINGLES, r);
    await phases.single.run(s1 - s0, () => runConcurrent(s1 - s0, 16, (i) => post('/flows', singles[s0 + i])));
    const [v0, v1] = share(vectors.length / BATCH_SIZE, r);
    await phases.inference.run((v1 - v0) * BATCH_SIZE, async () => {
      for (let c = v0; c < v1; c++) await classifier.classify(vectors.slice(c * BATCH_SIZE, (c + 1) * BATCH_SIZE).map((v) => v.features));
    });
    await phases.copy.run((v1 - v0) * BATCH_SIZE, async () => {
      for (let c = v0; c < v1; c++) {
        await client.query('BEGIN');
        const ids = await reserveFlowIds(client, BATCH_SIZE);
        const batch = vectors.slice(c * BATCH_SIZE, (c + 1) * BATCH_SIZE).map((flow, j) => ({ id: ids[j], flow, verdict: verdicts[j], alertId: null }));
        await copyFlows(client, batch, { receivedAt: new Date(), source: 'batch', sensorId: null, modelVersion: classifier.modelVersion });
        await client.query('COMMIT');
      }
    });
  }
  await runner.release();
  const batchFlowsPerSec = phases.batch.report();
  const stormFlowsPerSec = phases.storm.report();
  const singleFlowsPerSec = phases.single.report();
  const inferenceFlowsPerSec = phases.inference.report();
  const copyRowsPerSec = phases.copy.report();

  const list = ALERT_ROWS > 0 ? await seedAlertsAndMeasureList(server, ALERT_ROWS) : null;
  await server.close();
  clearInterval(rssTimer);
  const figures = {
    batchFlowsPerSec: Math.round(batchFlowsPerSec),
    batchStormFlowsPerSec: Math.round(stormFlowsPerSec),
    singleFlowsPerSec: Math.round(singleFlowsPerSec),
    inferenceFlowsPerSec: Math.round(inferenceFlowsPerSec),
    copyRowsPerSec: Math.round(copyRowsPerSec),
    batchOverSingle: +(batchFlowsPerSec / singleFlowsPerSec).toFixed(2),
    batchOverFloor: +(batchFlowsPerSec / Math.min(inferenceFlowsPerSec, copyRowsPerSec)).toFixed(2),
    alertLatencyP50Ms: +percentile(latencies, 50).toFixed(1),
    alertLatencyP99Ms: +percentile(latencies, 99).toFixed(1),
    alertsListP95Ms: list ? +percentile(list, 95).toFixed(2) : null,
    alertsSeeded: ALERT_ROWS,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
  log(`batch/single = ${figures.batchOverSingle} (target >= 20); batch/min(inference, COPY) = ${figures.batchOverFloor} (target >= 0.5)`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
