import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { readFixtureRows } from '../test/utils/fixtures';
import { meanStageMs, measureAlertLatency, stageTimes } from './alert-latency';
import { measureAlertList } from './alerts-list';
import { httpRequest, percentile, postgresCpuSeconds, processCpuSeconds, processMemory, runConcurrent } from './bench-app';
import { ALONE_CHUNKS, IngestServerReady, IngestServerRequest } from './ingest-server';
import { BATCH_SIZE, flowsOf } from './ingest-traffic';

/**
 * Ingest benchmark: end-to-end flows/s on the batch and single routes, inference alone and COPY alone on the
 * same rows, their ratios, alert latency, the alert list's latency and the server's peak RSS. The last line
 * printed is one JSON object of figures.
 *
 * The server runs in a process of its own (bench/ingest-server.ts) on a database of its own on the machine's
 * PostgreSQL and Redis, as it would in production: this process is the sensors and the dashboard. Inference
 * alone and COPY alone run inside the server process, on the rows of the typical mix (bench/ingest-traffic.ts);
 * the ratios use that mix, and the alert-storm mix is reported beside it. Request bodies are serialised before
 * the clock starts, to bytes (a sensor's JSON encoding is not the server's work). Each phase also reports the CPU
 * time per flow of the server process (all threads) and of PostgreSQL (all its processes on the machine), from
 * /proc: a figure that moves far less than flows/s when the machine's speed varies.
 * Environment: BENCH_BATCHES (default 100), BENCH_SINGLES (2000), BENCH_ROUNDS (4), BENCH_LATENCY_SECONDS (15),
 * BENCH_ALERTS (1000000; 0 skips the alert-list test).
 */
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 2000);
const ALERT_ROWS = Number(process.env.BENCH_ALERTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

/** The server process, and a call over IPC that resolves with the seconds the command took. */
class ServerProcess {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (s: number) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly child: ChildProcess,
    readonly ready: IngestServerReady,
  ) {
    child.on('message', (m: { id?: number; seconds?: number; error?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.seconds ?? 0);
    });
  }

  static start(): Promise<ServerProcess> {
    const child = fork(require.resolve('ts-node/dist/bin'), ['--swc', join(__dirname, 'ingest-server.ts')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/srv'] : [], // not the parent's: under ts-node they name ts-node itself
    });
    return new Promise((resolve, reject) => {
      child.once('message', (ready) => resolve(new ServerProcess(child, ready as IngestServerReady)));
      child.once('exit', (code) => reject(new Error(`server process exited with ${code} before it was ready`)));
    });
  }

  call(command: IngestServerRequest): Promise<number> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }

  /** The server's peak resident memory. */
  peakRss(): number {
    return processMemory(this.child.pid!, 'VmHWM');
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.call({ cmd: 'stop' });
    await exited;
  }
}

/**
 * A measured phase: flows, seconds, and the CPU time the server process (all its threads) and PostgreSQL used,
 * summed over the rounds it ran in. CPU per flow moves far less than flows/s on a machine whose load varies.
 */
class Phase {
  flows = 0;
  seconds = 0;
  serverCpu = 0;
  postgresCpu = 0;
  constructor(
    readonly label: string,
    private readonly serverPid: number,
  ) {}

  async run(flows: number, work: () => Promise<number | void>): Promise<void> {
    const [server0, pg0] = [processCpuSeconds(this.serverPid), postgresCpuSeconds()];
    const start = process.hrtime.bigint();
    const reported = await work();
    this.seconds += typeof reported === 'number' ? reported : Number(process.hrtime.bigint() - start) / 1e9;
    this.serverCpu += processCpuSeconds(this.serverPid) - server0;
    this.postgresCpu += postgresCpuSeconds() - pg0;
    this.flows += flows;
  }

  get rate(): number {
    return this.flows / this.seconds;
  }

  /** CPU microseconds per flow: the server's and PostgreSQL's. */
  get cpuPerFlow(): { server: number; postgres: number } {
    return { server: (this.serverCpu / this.flows) * 1e6, postgres: (this.postgresCpu / this.flows) * 1e6 };
  }

  report(): number {
    const cpu = this.cpuPerFlow;
    log(
      `${this.label.padEnd(30)} ${this.flows} flows in ${this.seconds.toFixed(2)} s = ${this.rate.toFixed(0).padStart(6)} flows/s` +
        `   CPU per flow: server ${cpu.server.toFixed(0)} µs, PostgreSQL ${cpu.postgres.toFixed(0)} µs`,
    );
    return this.rate;
  }
}

async function main(): Promise<void> {
  const server = await ServerProcess.start();
  const { url, apiKey, email, password } = server.ready;
  const rows = await readFixtureRows();
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
  const post = async (path: string, body: string | Buffer) => {
    const res = await httpRequest('POST', `${url}/api/v1${path}`, headers, body);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.toString()}`);
  };
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const token = ((await login.json()) as { access_token: string }).access_token;
  await post('/flows/batch', JSON.stringify({ flows: flowsOf(rows, BATCH_SIZE, 0) })); // warm-up

  // Alert latency first, on a server in a steady state of its own (not catching up with the checkpoints and
  // vacuums that the throughput phases' hundreds of thousands of rows set off).
  const stagesBefore = await stageTimes(url);
  const latencies = await measureAlertLatency(url, token, apiKey, rows, 2000, Number(process.env.BENCH_LATENCY_SECONDS ?? 15));
  const stages = meanStageMs(stagesBefore, await stageTimes(url));
  log(
    `alert latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
      `server, mean per batch: inference ${stages.inference.toFixed(1)} ms, persist ${stages.persist.toFixed(1)} ms`,
  );

  const bodies = (mix: 'typical' | 'storm', offset: number) =>
    Array.from({ length: BATCHES }, (_, b) => Buffer.from(JSON.stringify({ flows: flowsOf(rows, BATCH_SIZE, offset + b * BATCH_SIZE, mix) })));
  const typical = bodies('typical', BATCH_SIZE);
  const storm = bodies('storm', 0);
  const singles = flowsOf(rows, SINGLES, 7).map((f) => Buffer.from(JSON.stringify(f)));

  // The phases run interleaved, in rounds, so that a change in the machine's load weighs on all of them alike
  // and the ratios stay meaningful on a busy machine.
  const pid = server.child.pid!;
  const phases = {
    batch: new Phase('batch route, typical mix', pid),
    storm: new Phase('batch route, alert storm', pid),
    single: new Phase('single route, typical mix', pid),
    inference: new Phase('inference alone (1000/call)', pid),
    copy: new Phase('COPY alone (1000/statement)', pid),
  };
  const share = (n: number, r: number) => [Math.floor((n * r) / ROUNDS), Math.floor((n * (r + 1)) / ROUNDS)];
  for (let r = 0; r < ROUNDS; r++) {
    const [b0, b1] = share(BATCHES, r);
    await phases.batch.run((b1 - b0) * BATCH_SIZE, () => runConcurrent(b1 - b0, 4, (i) => post('/flows/batch', typical[b0 + i])));
    await phases.storm.run((b1 - b0) * BATCH_SIZE, () => runConcurrent(b1 - b0, 4, (i) => post('/flows/batch', storm[b0 + i])));
    const [s0, s1] = share(SINGLES, r);
    await phases.single.run(s1 - s0, () => runConcurrent(s1 - s0, 16, (i) => post('/flows', singles[s0 + i])));
    const [c0, c1] = share(ALONE_CHUNKS, r);
    await phases.inference.run((c1 - c0) * BATCH_SIZE, () => server.call({ cmd: 'inference', from: c0, to: c1 }));
    await phases.copy.run((c1 - c0) * BATCH_SIZE, () => server.call({ cmd: 'copy', from: c0, to: c1 }));
  }
  const batchFlowsPerSec = phases.batch.report();
  const stormFlowsPerSec = phases.storm.report();
  const singleFlowsPerSec = phases.single.report();
  const inferenceFlowsPerSec = phases.inference.report();
  const copyRowsPerSec = phases.copy.report();

  let list: number[] | null = null;
  if (ALERT_ROWS > 0) {
    const seconds = await server.call({ cmd: 'seed', count: ALERT_ROWS });
    log(`seeded ${ALERT_ROWS} alerts in ${seconds.toFixed(1)} s`);
    list = await measureAlertList(url, token, ALERT_ROWS);
  }
  const peakRss = server.peakRss();
  await server.stop();
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
    alertLatencyInferenceMeanMs: +stages.inference.toFixed(1),
    alertLatencyPersistMeanMs: +stages.persist.toFixed(1),
    alertsListP95Ms: list ? +percentile(list, 95).toFixed(2) : null,
    alertsSeeded: ALERT_ROWS,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    batchServerCpuUsPerFlow: Math.round(phases.batch.cpuPerFlow.server),
    batchPostgresCpuUsPerFlow: Math.round(phases.batch.cpuPerFlow.postgres),
    copyPostgresCpuUsPerRow: Math.round(phases.copy.cpuPerFlow.postgres),
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
