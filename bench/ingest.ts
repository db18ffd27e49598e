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
 * Environment: BENCH_BATCHES (default 40), BENCH_SINGLES (2000), BENCH_LATENCY_SECONDS (15),
 * BENCH_ALERTS (1000000; 0 skips the alert-list test).
 */
const BATCH_SIZE = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 2000);
const ALERT_ROWS = Number(process.env.BENCH_ALERTS ?? 1_000_000);

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

function flowsOf(rows: Awaited<ReturnType<typeof readFixtureRows>>, n: number, offset: number) {
  return Array.from({ length: n }, (_, i) => {
    const row = rows[(i + offset) % rows.length];
    const k = i + offset;
    return { src_ip: `198.18.${(k >> 8) & 255}.${k & 255}`, dst_ip: '198.19.0.1', src_port: 1024 + (k % 60000), dst_port: row.features[0], protocol: 6, features: featuresOf(row) };
  });
}

async function timed(label: string, flows: number, run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = flows / seconds;
  log(`${label.padEnd(28)} ${flows} flows in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} flows/s`);
  return rate;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const key = (await server.app.get(ApiKeysService).create(SYSTEM_ACTOR, 'bench', null)).secret;
  const rows = await readFixtureRows();
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  await post('/flows/batch', { flows: flowsOf(rows, BATCH_SIZE, 0) }); // warm-up

  const batches = Array.from({ length: BATCHES }, (_, b) => JSON.parse(JSON.stringify({ flows: flowsOf(rows, BATCH_SIZE, b * BATCH_SIZE) })));
  const batchFlowsPerSec = await timed('batch route (1000/request)', BATCHES * BATCH_SIZE, () => runConcurrent(BATCHES, 4, (i) => post('/flows/batch', batches[i])));
  const singles = flowsOf(rows, SINGLES, 7);
  const singleFlowsPerSec = await timed('single route', SINGLES, () => runConcurrent(SINGLES, 16, (i) => post('/flows', singles[i])));

  const vectors: ValidatedFlow[] = flowsOf(rows, BATCH_SIZE * 10, 0).map((f, i) => ({ flowId: null, srcIp: f.src_ip, dstIp: f.dst_ip, srcPort: f.src_port, dstPort: f.dst_port, protocol: 6, timestamp: null, features: rows[i % rows.length].features }));
  const classifier = server.app.get(FlowClassifier);
  const inferenceFlowsPerSec = await timed('inference alone (1000/call)', vectors.length, async () => {
    for (let i = 0; i < vectors.length; i += BATCH_SIZE) await classifier.classify(vectors.slice(i, i + BATCH_SIZE).map((v) => v.features));
  });
  const verdicts = await classifier.classify(vectors.slice(0, BATCH_SIZE).map((v) => v.features));
  const runner = server.app.get(DataSource).createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as PoolClient;
  const copyRowsPerSec = await timed('COPY alone (1000/statement)', vectors.length, async () => {
    for (let i = 0; i < vectors.length; i += BATCH_SIZE) {
      await client.query('BEGIN');
      const ids = await reserveFlowIds(client, BATCH_SIZE);
      const batch = vectors.slice(i, i + BATCH_SIZE).map((flow, j) => ({ id: ids[j], flow, verdict: verdicts[j], alertId: null }));
      await copyFlows(client, batch, { receivedAt: new Date(), source: 'batch', sensorId: null, modelVersion: classifier.modelVersion });
      await client.query('COMMIT');
    }
  });
  await runner.release();

  const latencies = await measureAlertLatency(server, key, rows, 2000, Number(process.env.BENCH_LATENCY_SECONDS ?? 15));
  const list = ALERT_ROWS > 0 ? await seedAlertsAndMeasureList(server, ALERT_ROWS) : null;
  await server.close();
  clearInterval(rssTimer);
  const figures = {
    batchFlowsPerSec: Math.round(batchFlowsPerSec),
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
