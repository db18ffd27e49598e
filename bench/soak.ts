import { ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io, Socket } from 'socket.io-client';
import { ApiKeysService } from '../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../src/common/auth/principal';
import { Role } from '../src/core/permissions';
import { FlowRow } from '../src/core/features';
import { UsersService } from '../src/users/users.service';
import { featuresOf, readFixtureRows } from '../test/utils/fixtures';
import { percentile, processMemory, startBenchServer } from './bench-app';

/**
 * Soak benchmark: the API under a steady ingest rate (batches on POST /flows/batch, one attack flow from a fresh
 * source in each, so alerts are raised all along) plus analysts' reads (alert list, statistics overview, /metrics)
 * with Socket.IO clients connected, for --minutes. The server runs in a child process on a database of its own
 * (created on the machine's PostgreSQL, dropped at the end), so its resident memory is measured alone, from
 * /proc every --sample-seconds. The warm-up (a minute, or a fifth of a shorter run) ends with a full garbage
 * collection in the server (it runs with --expose-gc) to clear start-up garbage; the RSS baseline is then the
 * median of the next 30 s of samples and the end figure the median of the last 30 s. Growth must stay under
 * --max-growth-pct, with no error response, every client connected throughout and the target rate held. The live
 * heap and RSS right after a full collection, at the end of the warm-up and of the run, tell memory kept from
 * garbage not yet collected. Prints a table over time and, last, one JSON object of figures; exits 1 when a
 * target is missed.
 *
 *   npm run bench:soak -- --minutes 10 --flows-per-sec 500 --batch 50 --clients 50
 */

const { values: args } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '10' },
    'flows-per-sec': { type: 'string', default: '500' },
    batch: { type: 'string', default: '50' },
    clients: { type: 'string', default: '50' },
    'sample-seconds': { type: 'string', default: '5' },
    'report-seconds': { type: 'string', default: '30' },
    'max-growth-pct': { type: 'string', default: '10' },
  },
});

const MB = 1024 * 1024;
const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

interface ServerReady {
  url: string;
  apiKey: string;
  email: string;
  password: string;
}

/** Child mode: the API on a database of its own, a sensor key and an analyst; stops when the parent says so. */
async function serve(accessTtlSeconds: number): Promise<void> {
  const server = await startBenchServer({ LOG_LEVEL: 'error', JWT_ACCESS_TTL_SECONDS: String(accessTtlSeconds) });
  const apiKey = (await server.app.get(ApiKeysService).create(SYSTEM_ACTOR, 'soak-sensor', null)).secret;
  const email = `soak-${Date.now()}@example.test`;
  const password = 'night shift triage pass';
  await server.app.get(UsersService).create(SYSTEM_ACTOR, { email, password, role: Role.SECURITY, name: 'Soak analyst' });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
    // 'gc' (the process runs with --expose-gc) also reports the live heap after a full collection
    if (m === 'memory' || m === 'gc') {
      if (m === 'gc') global.gc?.();
      process.send?.({ memory: process.memoryUsage() });
    }
  });
  process.on('disconnect', () => void stop());
  process.send?.({ url: server.url, apiKey, email, password } satisfies ServerReady);
}

/** The server in a process of its own (run by ts-node like this script), so its memory is measured alone. */
function startServerProcess(minutes: string): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const child = fork(require.resolve('ts-node/dist/bin'), ['--swc', __filename, '--serve', '--minutes', minutes], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'], // not the parent's: under ts-node they name ts-node itself
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as ServerReady }));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code} before it was ready`)));
  });
}

/** The server process's own memory figures (`what` = 'gc' runs a full collection first). */
function memoryOf(child: ChildProcess, what: 'memory' | 'gc'): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      const memory = (m as { memory?: NodeJS.MemoryUsage }).memory;
      if (!memory) return;
      child.off('message', onMessage);
      resolve(memory);
    };
    child.on('message', onMessage);
    child.send(what);
  });
}

function gauge(metrics: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : NaN;
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

interface Options {
  minutes: number;
  flowsPerSec: number;
  batch: number;
  clients: number;
  sampleMs: number;
  reportMs: number;
  maxGrowthPct: number;
}

interface Sample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory outside the JavaScript heap: buffers and the WebAssembly memory of the model backend. */
  external: number;
  lagP99: number;
}

function flowBatch(rows: { benign: FlowRow[]; attack: FlowRow }, size: number, tick: number) {
  const src = `198.18.${(tick >> 8) & 255}.${tick & 255}`;
  return {
    flows: [
      { src_ip: src, dst_ip: '198.19.1.1', src_port: 40000 + (tick % 20000), dst_port: 80, protocol: 6, features: featuresOf(rows.attack) },
      ...Array.from({ length: size - 1 }, (_, i) => ({
        src_ip: `198.19.${100 + (i % 50)}.${(tick + i) % 250}`,
        dst_ip: '198.19.1.2',
        src_port: 1024 + ((tick * size + i) % 60000),
        dst_port: 443,
        protocol: 6,
        features: featuresOf(rows.benign[(tick * size + i) % rows.benign.length]),
      })),
    ],
  };
}

/** One soak run against a server process: the load, the samples, the table and the figures. */
class SoakRun {
  private requests = 0;
  private readonly errors = new Map<string, number>();
  private flows = 0;
  private events = 0;
  private disconnects = 0;
  private readonly ingestMs: number[] = [];
  private readonly samples: Sample[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private sockets: Socket[] = [];
  private token = '';
  private started = 0;
  private last = { at: 0, flows: 0, requests: 0, events: 0, ingestFrom: 0 };
  private connectedAtEnd = 0;
  /** Live heap and RSS right after a full collection, at the end of the warm-up and at the end of the run. */
  private readonly afterGc = { start: { heap: NaN, rss: NaN }, end: { heap: NaN, rss: NaN } };
  private lostClients = 0;

  constructor(
    private readonly options: Options,
    private readonly server: { child: ChildProcess; ready: ServerReady },
    private readonly rows: { benign: FlowRow[]; attack: FlowRow },
  ) {}

  private get api(): string {
    return `${this.server.ready.url}/api/v1`;
  }

  private get errorCount(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }

  /** Signs the analyst in and connects the Socket.IO clients, each counting every event it receives. */
  async connect(): Promise<void> {
    const { email, password, url } = this.server.ready;
    const res = await this.call(`${this.api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    this.token = ((await res!.json()) as { access_token: string }).access_token;
    this.sockets = await Promise.all(
      Array.from(
        { length: this.options.clients },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token: this.token }, reconnection: false });
            socket.onAny(() => this.events++);
            socket.once('connect', () => {
              socket.on('disconnect', () => this.disconnects++);
              resolve(socket);
            });
            socket.once('connect_error', reject);
          }),
      ),
    );
  }

  /**
   * Steady batches on schedule, an alert list every second, the statistics overview every 2 s; then closes the clients.
   */
  async run(): Promise<void> {
    const { minutes, flowsPerSec, batch, sampleMs, reportMs } = this.options;
    const ticksPerSec = flowsPerSec / batch;
    const next = { sample: 0, report: reportMs, alerts: 0, stats: 0, warmedUp: this.windows().warmupMs };
    log('\n  time  flows/s  req/s  errors  ingest p50/p99 ms  events/s  RSS MB  heap used/total MB  external MB  loop lag p99 ms');
    this.started = performance.now();
    for (let tick = 0; this.elapsed() < minutes * 60_000; ) {
      const now = this.elapsed();
      this.ingest(tick++);
      if (now >= next.alerts) {
        this.read('/alerts?limit=50');
        next.alerts += 1000;
      }
      if (now >= next.stats) {
        this.read('/stats/overview');
        next.stats += 2000;
      }
      if (now >= next.sample) {
        await this.sample();
        next.sample += sampleMs;
      }
      if (now >= next.report) {
        this.report();
        next.report += reportMs;
      }
      if (now >= next.warmedUp) {
        // the warm-up ends with a full collection: start-up garbage (the sources compiled, the model loaded) goes
        this.afterGc.start = await this.collectGarbage();
        next.warmedUp = Infinity;
      }
      const due = this.started + (tick * 1000) / ticksPerSec;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    await Promise.all(this.inFlight);
    await this.sample();
    this.report();
    this.afterGc.end = await this.collectGarbage();
    await new Promise((r) => setTimeout(r, 1000)); // the last events reach the clients
    this.connectedAtEnd = this.sockets.filter((s) => s.connected).length;
    this.lostClients = this.disconnects;
    for (const s of this.sockets) s.close();
  }

  /** The figures of the run, with the targets it missed. */
  finish(): { figures: Record<string, number>; missed: string[] } {
    const { minutes, flowsPerSec, batch, clients, maxGrowthPct } = this.options;
    const { durationMs, warmupMs, baselineEndMs, window } = this.windows();
    const { connectedAtEnd, lostClients } = this;
    const baseline = this.samples.filter((s) => s.at >= warmupMs && s.at < baselineEndMs);
    const end = this.samples.filter((s) => s.at >= durationMs - window);
    const rssStart = median(baseline.map((s) => s.rss));
    const rssEnd = median(end.map((s) => s.rss));
    const lat = [...this.ingestMs].sort((a, b) => a - b);
    const mb = (bytes: number) => +(bytes / MB).toFixed(1);
    const figures = {
      minutes,
      targetFlowsPerSec: flowsPerSec,
      flowsPerSec: Math.round(this.flows / (durationMs / 1000)),
      batch,
      requests: this.requests,
      errors: this.errorCount,
      clients,
      clientsConnectedAtEnd: connectedAtEnd,
      disconnects: lostClients,
      eventsReceived: this.events,
      ingestP50Ms: +percentile(lat, 50).toFixed(1),
      ingestP99Ms: +percentile(lat, 99).toFixed(1),
      eventLoopLagP99MaxMs: +(Math.max(...this.samples.map((s) => s.lagP99).filter(Number.isFinite)) * 1000).toFixed(1),
      rssStartMb: mb(rssStart),
      rssEndMb: mb(rssEnd),
      rssPeakMb: mb(Math.max(...this.samples.map((s) => s.rss))),
      rssGrowthPct: +(((rssEnd - rssStart) / rssStart) * 100).toFixed(2),
      heapStartMb: mb(median(baseline.map((s) => s.heapUsed))),
      heapEndMb: mb(median(end.map((s) => s.heapUsed))),
      liveHeapStartMb: mb(this.afterGc.start.heap),
      liveHeapEndMb: mb(this.afterGc.end.heap),
      rssAfterGcStartMb: mb(this.afterGc.start.rss),
      rssAfterGcEndMb: mb(this.afterGc.end.rss),
      externalStartMb: mb(median(baseline.map((s) => s.external))),
      externalEndMb: mb(median(end.map((s) => s.external))),
    };
    const missed = [
      ...(figures.rssGrowthPct < maxGrowthPct ? [] : [`RSS grew ${figures.rssGrowthPct} % (target under ${maxGrowthPct} %)`]),
      ...(figures.errors === 0 ? [] : [`${figures.errors} error responses: ${[...this.errors].map(([k, n]) => `${k} ×${n}`).join(', ')}`]),
      ...(connectedAtEnd === clients && lostClients === 0 ? [] : [`${lostClients} client disconnects, ${connectedAtEnd}/${clients} connected at the end`]),
      ...(figures.flowsPerSec >= flowsPerSec * 0.95 ? [] : [`ingested ${figures.flowsPerSec} flows/s (target ${flowsPerSec})`]),
    ];
    return { figures, missed };
  }

  /** The baseline follows the warm-up (a minute, or a fifth of a shorter run); both figures are medians of a window. */
  private windows() {
    const durationMs = this.options.minutes * 60_000;
    const warmupMs = Math.min(60_000, durationMs / 5);
    const window = Math.max(this.options.sampleMs, Math.min(30_000, (durationMs - warmupMs) / 4));
    return { durationMs, warmupMs, window, baselineEndMs: warmupMs + window };
  }

  /**
   * A full collection in the server process: what it keeps (heap and RSS) rather than what it has not collected yet.
   */
  private async collectGarbage(): Promise<{ heap: number; rss: number }> {
    const memory = await memoryOf(this.server.child, 'gc');
    return { heap: memory.heapUsed, rss: processMemory(this.server.child.pid!, 'VmRSS') };
  }

  private elapsed(): number {
    return performance.now() - this.started;
  }

  /** A request counted in the figures: anything but 2xx, or no answer, is an error. */
  private async call(url: string, init: RequestInit = {}): Promise<Response | null> {
    this.requests++;
    const what = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
    try {
      const res = await fetch(url, init);
      if (res.status < 200 || res.status >= 300) this.errors.set(`HTTP ${res.status} ${what}`, (this.errors.get(`HTTP ${res.status} ${what}`) ?? 0) + 1);
      return res;
    } catch (e) {
      const key = `${(e as Error).message} ${what}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
      return null;
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private ingest(tick: number): void {
    const { batch } = this.options;
    const body = JSON.stringify(flowBatch(this.rows, batch, tick));
    const headers = { 'content-type': 'application/json', 'x-api-key': this.server.ready.apiKey };
    const started = performance.now();
    this.track(
      this.call(`${this.api}/flows/batch`, { method: 'POST', headers, body }).then(async (res) => {
        await res?.arrayBuffer();
        if (!res?.ok) return;
        this.flows += batch;
        this.ingestMs.push(performance.now() - started);
      }),
    );
  }

  private read(path: string): void {
    this.track(this.call(`${this.api}${path}`, { headers: { authorization: `Bearer ${this.token}` } }).then((res) => void res?.arrayBuffer()));
  }

  /** The server's RSS from /proc, its heap and external memory from the process, its event-loop lag from /metrics. */
  private async sample(): Promise<void> {
    const res = await this.call(`${this.server.ready.url}/metrics`);
    const text = res ? await res.text() : '';
    const memory = await memoryOf(this.server.child, 'memory');
    const at = this.elapsed();
    const rss = processMemory(this.server.child.pid!, 'VmRSS');
    this.samples.push({ at, rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, lagP99: gauge(text, 'nodejs_eventloop_lag_p99_seconds') });
  }

  private report(): void {
    const at = this.elapsed();
    const secs = (at - this.last.at) / 1000;
    const lat = this.ingestMs.slice(this.last.ingestFrom).sort((a, b) => a - b);
    const s = this.samples[this.samples.length - 1];
    const cells = [
      `${(at / 1000).toFixed(0)}s`.padStart(6),
      ((this.flows - this.last.flows) / secs).toFixed(0).padStart(8),
      ((this.requests - this.last.requests) / secs).toFixed(1).padStart(6),
      String(this.errorCount).padStart(7),
      `${percentile(lat, 50).toFixed(0)}/${percentile(lat, 99).toFixed(0)}`.padStart(18),
      ((this.events - this.last.events) / secs).toFixed(0).padStart(9),
      (s.rss / MB).toFixed(0).padStart(7),
      `${(s.heapUsed / MB).toFixed(0)}/${(s.heapTotal / MB).toFixed(0)}`.padStart(19),
      (s.external / MB).toFixed(0).padStart(12),
      (s.lagP99 * 1000).toFixed(1).padStart(16),
    ];
    log(cells.join(' '));
    this.last = { at, flows: this.flows, requests: this.requests, events: this.events, ingestFrom: this.ingestMs.length };
  }
}

async function main(): Promise<void> {
  const options: Options = {
    minutes: Number(args.minutes),
    flowsPerSec: Number(args['flows-per-sec']),
    batch: Number(args.batch),
    clients: Number(args.clients),
    sampleMs: Number(args['sample-seconds']) * 1000,
    reportMs: Number(args['report-seconds']) * 1000,
    maxGrowthPct: Number(args['max-growth-pct']),
  };
  // access tokens outlive the run, so the clients never have to re-authenticate
  if (args.serve) return serve(Math.max(900, Math.ceil(options.minutes * 60) + 600));

  const { minutes, flowsPerSec, batch, clients } = options;
  log(`soak: ${minutes} min at ${flowsPerSec} flows/s (batches of ${batch}), ${clients} Socket.IO clients`);
  const fixture = await readFixtureRows();
  const rows = { benign: fixture.filter((r) => r.label === 'BENIGN'), attack: fixture.find((r) => r.label === 'DDoS')! };
  const server = await startServerProcess(args.minutes);
  const run = new SoakRun(options, server, rows);
  try {
    await run.connect();
    log(`${clients} clients connected`);
    await run.run();
  } finally {
    server.child.send('stop');
    await new Promise((r) => server.child.once('exit', r));
  }
  const { figures, missed } = run.finish();
  log(missed.length ? `\ntargets missed:\n  - ${missed.join('\n  - ')}` : '\nall targets met');
  process.stdout.write(`${JSON.stringify({ ...figures, pass: missed.length === 0 })}\n`);
  process.exitCode = missed.length ? 1 : 0;
}

main().catch((e) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
