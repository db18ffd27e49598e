import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { FlowRow } from '../../src/core/features';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';
import { createApiKeyOverHttp, loginOverHttp, pollUntil, ServerProcess } from '../utils/server-process';
import { PrivatePostgres, PrivateRedis, startPostgres, startRedis } from '../utils/services';

jest.setTimeout(240_000);

const OUTAGE_MS = 30_000;
const WARM_UP_MS = 3_000;
const BASELINE_MS = 10_000;
const RECOVERY_BUDGET_MS = 30_000;
const READY_BUDGET_MS = 10_000;
const RATE_WINDOW_MS = 5_000;
/** The offered load: 4 sensors each posting 100 flows every 500 ms, 800 flows/s (well below capacity). */
const SENSORS = 4;
const FLOWS_PER_BATCH = 100;
const PERIOD_MS = 500;
/** A request that takes longer than this is a hang, whatever it answers. */
const HANG_MS = 10_000;
const PREFIX = 'ids-pg-outage';
/** Stream entries written while the database is down (one a second, 10 flows each). */
const STREAM_FLOWS_PER_ENTRY = 10;

/** A flow as a sensor sends it, from a real CIC-IDS2017 row. */
function flowOf(flowId: string, row: FlowRow, subnet: number, i: number) {
  return sensorFlow(row, i, { flowId, srcIp: `198.18.${subnet}.${(i % 250) + 1}` });
}

interface Attempt {
  batch: string;
  flows: number;
  start: number;
  end: number;
  status: number | 'error' | 'timeout';
  retryAfter: string | null;
}

/**
 * Sensors posting a batch of real CIC-IDS2017 rows every PERIOD_MS each (a sensor whose request takes longer
 * posts its next batch as soon as it is answered; a refused batch is not sent again). Every batch has flow ids of
 * its own, so the database can be checked against what was acknowledged.
 */
class SteadyIngest {
  readonly attempts: Attempt[] = [];
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly rows: FlowRow[],
    readonly run: string,
  ) {}

  start(sensors: number): void {
    this.loops = Array.from({ length: sensors }, (_, s) => this.loop(s));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** How many attempts ended with each status. */
  statuses(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const a of this.attempts) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  }

  /** Flows acknowledged (2xx) by responses that arrived in [from, to), per second. */
  rate(from: number, to: number): number {
    const flows = this.attempts.filter((a) => a.status === 200 && a.end >= from && a.end < to).reduce((n, a) => n + a.flows, 0);
    return (flows * 1000) / (to - from);
  }

  private async loop(sensor: number): Promise<void> {
    let next = Date.now() + (sensor * PERIOD_MS) / SENSORS;
    for (let n = 0; !this.stopping; n++) {
      await sleep(next - Date.now());
      next = Math.max(next + PERIOD_MS, Date.now());
      const batch = `${this.run}-${sensor}-${n}`;
      const flows = Array.from({ length: FLOWS_PER_BATCH }, (_, i) =>
        flowOf(`${batch}-${i}`, this.rows[(n * FLOWS_PER_BATCH + i) % this.rows.length], sensor, i),
      );
      const attempt: Attempt = { batch, flows: flows.length, start: Date.now(), end: 0, status: 'error', retryAfter: null };
      try {
        const res = await fetch(`${this.url}/api/v1/flows/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
          body: JSON.stringify({ flows }),
          signal: AbortSignal.timeout(HANG_MS),
        });
        await res.arrayBuffer();
        attempt.status = res.status;
        attempt.retryAfter = res.headers.get('retry-after');
      } catch (e) {
        attempt.status = (e as Error).name === 'TimeoutError' ? 'timeout' : 'error';
      }
      attempt.end = Date.now();
      this.attempts.push(attempt);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let lastReadyBody = '';

async function readyStatus(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) });
    lastReadyBody = await res.text();
    return res.status;
  } catch (e) {
    lastReadyBody = (e as Error).message;
    return 0;
  }
}

/** Polls /health/ready until it answers `status`; returns when it did. */
async function readyTurns(url: string, status: number, withinMs: number): Promise<number> {
  await pollUntil(`/health/ready answering ${status}`, async () => (await readyStatus(url)) === status, withinMs, 100).catch((e) => {
    throw new Error(`${(e as Error).message}; last answer: ${lastReadyBody}`);
  });
  return Date.now();
}

/**
 * PostgreSQL of the test's own is stopped (`pg_ctl stop -m fast`: every connection is ended, as a restart or a
 * failover does) for 30 s under steady ingest, on the batch route and the ingest stream, then started again. The
 * server must survive, refuse at once with 503 + Retry-After meanwhile, lose and double nothing it acknowledged,
 * and be back to its pre-outage throughput within 30 s.
 */
describe('PostgreSQL outage during steady ingest', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let app: ServerProcess;
  let load: SteadyIngest;
  let rows: FlowRow[];
  let db: Client | undefined;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    const databaseUrl = await pg.createDatabase('ids_outage');
    app = await ServerProcess.start({
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        ADMIN_EMAIL: 'admin@example.test',
        ADMIN_PASSWORD: 'outage-drill-passphrase',
        REDIS_KEY_PREFIX: PREFIX,
        LOG_LEVEL: 'warn',
      },
    });
    const token = await loginOverHttp(app.url, 'admin@example.test', 'outage-drill-passphrase');
    const secret = await createApiKeyOverHttp(app.url, token, 'outage-sensor');
    rows = await readFixtureRows();
    load = new SteadyIngest(app.url, secret, rows, `pg-${randomUUID().slice(0, 8)}`);
  });

  afterAll(async () => {
    await load?.stop();
    await db?.end();
    await app?.stop();
    await Promise.all([pg?.destroy(), redis?.destroy()]);
    if (Object.keys(figures).length) process.stdout.write(`PostgreSQL outage figures: ${JSON.stringify(figures)}\n`);
  });

  it('survives a 30 s stop: 503 fast while down, nothing lost or doubled, throughput back within 30 s', async () => {
    load.start(SENSORS);
    await sleep(WARM_UP_MS);
    const baselineFrom = Date.now();
    await sleep(BASELINE_MS);
    const baseline = load.rate(baselineFrom, Date.now());
    expect({ baseline: baseline > 0, statuses: load.statuses() }).toEqual({ baseline: true, statuses: { 200: load.attempts.length } });

    const stoppedAt = Date.now();
    await pg.stop('fast');
    // pg_ctl returns once the server is down; on a loaded machine that can take a while after the order
    const downAt = Date.now();
    const notReadyAt = await readyTurns(app.url, 503, 10_000);
    // sensors writing to the ingest stream meanwhile: Redis has their entries, the consumer must store them later
    const streamFlowIds: string[] = [];
    const sensor = new Redis(redis.url);
    try {
      for (let k = 0; Date.now() < stoppedAt + OUTAGE_MS - 1000; k++) {
        const flows = Array.from({ length: STREAM_FLOWS_PER_ENTRY }, (_, i) => flowOf(`${load.run}-stream-${k}-${i}`, rows[(k + i) % rows.length], 200, i));
        await sensor.xadd(`${PREFIX}:flows:in`, '*', 'flows', JSON.stringify(flows));
        streamFlowIds.push(...flows.map((f) => f.flow_id));
        await sleep(1000);
      }
    } finally {
      sensor.disconnect();
    }
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    expect(await readyStatus(app.url)).toBe(503);

    db = new Client({ connectionString: pg.url('ids_outage') });
    // PostgreSQL accepts connections before pg_ctl's wait for it returns: the outage ends when the start is ordered
    const startOrderedAt = Date.now();
    await pg.start();
    const restartedAt = Date.now();
    await db.connect();
    const storedOnce = async (flowIds: string[]) =>
      (await db!.query(`SELECT count(*)::int AS n, count(DISTINCT flow_id)::int AS d FROM flows WHERE flow_id = ANY($1)`, [flowIds])).rows[0] as { n: number; d: number };
    const streamCaughtUp = pollUntil('the stream entries written during the outage stored', async () => (await storedOnce(streamFlowIds)).d === streamFlowIds.length, RECOVERY_BUDGET_MS, 250)
      .then(() => (figures.streamCaughtUpAfterMs = Date.now() - restartedAt));
    const readyAt = await readyTurns(app.url, 200, READY_BUDGET_MS);
    // the first window (sliding by 250 ms) after the restart where the rate is back to 90 % of the baseline
    let recoveredAt: number | null = null;
    for (let from = restartedAt; recoveredAt === null && from + RATE_WINDOW_MS <= restartedAt + RECOVERY_BUDGET_MS; from += 250) {
      await sleep(Math.max(0, from + RATE_WINDOW_MS - Date.now()));
      if (load.rate(from, from + RATE_WINDOW_MS) >= 0.9 * baseline) recoveredAt = from + RATE_WINDOW_MS;
    }
    await load.stop();
    await streamCaughtUp;

    const during = load.attempts.filter((a) => a.start >= downAt && a.end <= startOrderedAt);
    const refused = load.attempts.filter((a) => a.status !== 200);
    Object.assign(figures, {
      baselineFlowsPerSec: Math.round(baseline),
      notReadyAfterMs: notReadyAt - stoppedAt,
      readyAgainAfterMs: readyAt - restartedAt,
      recoveredAfterMs: recoveredAt === null ? -1 : recoveredAt - restartedAt,
      recoveredFlowsPerSec: recoveredAt === null ? 0 : Math.round(load.rate(recoveredAt - RATE_WINDOW_MS, recoveredAt)),
      requestsDuringOutage: during.length,
      maxLatencyDuringOutageMs: Math.max(0, ...during.map((a) => a.end - a.start)),
      batchesAcknowledged: load.attempts.length - refused.length,
      batchesRefused: refused.length,
    });

    expect(app.exitStatus).toBeNull();
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    expect(notReadyAt - stoppedAt).toBeLessThanOrEqual(5_000);

    // while the database is down every request is refused at once with 503 and Retry-After
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((a) => a.status !== 503 || !a.retryAfter)).toEqual([]);
    expect(figures.maxLatencyDuringOutageMs).toBeLessThan(3_000);
    // anything not acknowledged was refused properly (a 503 with Retry-After), never hung or crashed
    expect(refused.filter((a) => a.status !== 503 || !a.retryAfter)).toEqual([]);

    expect(recoveredAt).not.toBeNull();

    // every entry the stream accepted during the outage is stored exactly once
    expect(streamFlowIds.length).toBeGreaterThan(0);
    expect(await storedOnce(streamFlowIds)).toEqual({ n: streamFlowIds.length, d: streamFlowIds.length });

    // every acknowledged flow is stored exactly once; a refused batch is stored entirely or not at all
    const batches: { batch: string; flows: number; distinct_ids: number }[] = await db
      .query(
        `SELECT regexp_replace(flow_id, '-[0-9]+$', '') AS batch, count(*)::int AS flows, count(DISTINCT flow_id)::int AS distinct_ids
           FROM flows WHERE flow_id LIKE $1 AND flow_id NOT LIKE $2 GROUP BY 1`,
        [`${load.run}-%`, `${load.run}-stream-%`],
      )
      .then((r) => r.rows);
    const stored = new Map(batches.map((r) => [r.batch, r]));
    const wrong: string[] = [];
    for (const a of load.attempts) {
      const s = stored.get(a.batch);
      if (s && s.flows !== s.distinct_ids) wrong.push(`${a.batch}: ${s.flows} rows for ${s.distinct_ids} flow ids`);
      if (a.status === 200 && s?.flows !== a.flows) wrong.push(`${a.batch} acknowledged, ${s?.flows ?? 0}/${a.flows} stored`);
      if (a.status !== 200 && s && s.flows !== a.flows) wrong.push(`${a.batch} refused (${a.status}), partly stored: ${s.flows}/${a.flows}`);
    }
    expect(wrong).toEqual([]);
    const sent = new Set(load.attempts.map((a) => a.batch));
    expect(batches.filter((b) => !sent.has(b.batch))).toEqual([]);
  });
});
