import Redis from 'ioredis';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { QUEUES } from '../../src/infra/queues/queues';
import { TEST_REDIS_URL } from '../setup/test-database';
import { CIC_SAMPLE, featuresOf, readFixtureRows } from '../utils/fixtures';
import { createApiKeyOverHttp, IsolatedStorage, loginOverHttp, pollUntil, ProcessExit, ServerProcess } from '../utils/server-process';
import { FlowRow } from '../../src/core/features';

const ADMIN = { email: 'admin@shutdown.test', password: 'graceful-shutdown-pw-1' };
const SHUTDOWN_TIMEOUT_MS = 20_000;
const LOAD_CLIENTS = 4;
/** Long enough, on a loaded machine, to see readiness fail and send a request while the server still serves. */
const DRAIN_DELAY_MS = 8000;
/** Data lines of the fixture repeated this often: an import that is still running when the signal comes. */
const IMPORT_REPEAT = 400;

type Outcome = number | 'refused' | 'reset' | 'timeout';

interface IngestRequest {
  flowIds: string[];
  sentAt: number;
  settledAt: number;
  outcome: Outcome;
}

function outcomeOfError(e: unknown): Outcome {
  if ((e as Error).name === 'TimeoutError') return 'timeout';
  const code = ((e as { cause?: { code?: string } }).cause ?? {}).code;
  return code === 'ECONNREFUSED' ? 'refused' : 'reset';
}

describe('graceful shutdown of the server process (role all)', () => {
  let storage: IsolatedStorage;
  let importDir: string;
  let db: Client;
  let redis: Redis;
  let rows: FlowRow[];
  let server: ServerProcess;
  let apiKey: string;
  let importJobId: string;
  let importRows: number;

  const start = (env: Record<string, string> = {}) =>
    ServerProcess.start({
      env: { ...storage.env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, IMPORT_DIR: importDir, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), ...env },
    });
  const committed = async (flowIds: string[]): Promise<Map<string, number>> => {
    const { rows: found } = await db.query(`SELECT flow_id, count(*)::int AS n FROM flows WHERE flow_id = ANY($1) GROUP BY flow_id`, [flowIds]);
    return new Map(found.map((r: { flow_id: string; n: number }) => [r.flow_id, r.n]));
  };
  const importStatus = async (url: string) => {
    const res = await fetch(`${url}/api/v1/flows/import/${importJobId}`, { headers: { 'x-api-key': apiKey } });
    return (await res.json()) as { state: string; progress: { rows: number } | null };
  };
  const logTime = (pattern: RegExp) => Number(server.logs().find((l) => pattern.test(String(l.msg)))?.time);
  /** The exit; an unexpected status fails with the server's warnings and shutdown log lines. */
  const exitOf = (exit: ProcessExit, expectedCode: number) => {
    if (exit.code === expectedCode) return exit;
    const lines = server.logs().filter((l) => Number(l.level) >= 40 || l.context === 'Shutdown' || l.context === 'QueueDrain');
    throw new Error(`exit ${JSON.stringify(exit)}, expected status ${expectedCode}:\n${lines.slice(-25).map((l) => JSON.stringify(l).slice(0, 400)).join('\n')}`);
  };

  /** Posts batches of real flows back to back until the server refuses connections (or exits). */
  async function ingestLoop(client: number, log: IngestRequest[]): Promise<void> {
    for (let seq = 0; !server.exitStatus; seq++) {
      const flowIds = rows.map((_, i) => `gs-${client}-${seq}-${i}`);
      const flows = rows.map((row, i) => ({
        flow_id: flowIds[i],
        src_ip: `10.${client}.${seq % 250}.${(i % 250) + 1}`,
        dst_ip: '10.200.0.1',
        src_port: 1024 + i,
        dst_port: row.features[0],
        protocol: 'tcp',
        features: featuresOf(row),
      }));
      const request: IngestRequest = { flowIds, sentAt: Date.now(), settledAt: 0, outcome: 'timeout' };
      try {
        const res = await fetch(`${server.url}/api/v1/flows/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify({ flows }),
          signal: AbortSignal.timeout(30_000),
        });
        await res.text();
        request.outcome = res.status;
      } catch (e) {
        request.outcome = outcomeOfError(e);
      }
      request.settledAt = Date.now();
      log.push(request);
      if (request.outcome === 'refused') return;
    }
  }

  beforeAll(async () => {
    storage = await IsolatedStorage.create('shutdown');
    importDir = mkdtempSync(join(tmpdir(), 'ids-shutdown-imports-'));
    db = new Client({ connectionString: storage.databaseUrl });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL);
    rows = await readFixtureRows();
    server = await start();
    apiKey = await createApiKeyOverHttp(server.url, await loginOverHttp(server.url, ADMIN.email, ADMIN.password));
  }, 180_000);

  afterAll(async () => {
    server?.kill();
    await server?.exited;
    await db?.end();
    redis?.disconnect();
    await storage?.destroy();
    rmSync(importDir, { recursive: true, force: true });
  }, 60_000);

  it('drains ingest in flight on SIGTERM: every 2xx is committed exactly once, later requests are refused, exit 0', async () => {
    // a long CSV import is running when the signal comes
    const [header, ...lines] = readFileSync(CIC_SAMPLE, 'utf8').trimEnd().split('\n');
    const dataLines = Array.from({ length: IMPORT_REPEAT }, () => lines).flat();
    importRows = dataLines.length;
    const form = new FormData();
    form.append('file', new Blob([`${header}\n${dataLines.join('\n')}\n`], { type: 'text/csv' }), 'long-import.csv');
    const upload = await fetch(`${server.url}/api/v1/flows/import`, { method: 'POST', headers: { 'x-api-key': apiKey }, body: form });
    expect(upload.status).toBe(202);
    importJobId = ((await upload.json()) as { job_id: string }).job_id;
    await pollUntil('the import running', async () => {
      const status = await importStatus(server.url);
      return status.state === 'active' && (status.progress?.rows ?? 0) >= 1000;
    }, 60_000);

    // steady ingest load, then SIGTERM
    const requests: IngestRequest[] = [];
    const clients = Array.from({ length: LOAD_CLIENTS }, (_, c) => ingestLoop(c, requests));
    await pollUntil('steady ingest load', () => requests.filter((r) => r.outcome === 200).length >= 4 * LOAD_CLIENTS, 60_000);
    expect((await importStatus(server.url)).state).toBe('active');
    const signalledAt = Date.now();
    server.signal('SIGTERM');
    await Promise.all(clients);
    const exit = await server.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 15_000);

    // the process ended by itself, in time, after a complete shutdown
    expect(exitOf(exit, 0)).toMatchObject({ code: 0, signal: null });
    expect(exit.afterMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    await server.waitForLog(/^shutdown complete in \d+ ms$/, 1000);
    await server.waitForLog(/^import \S+ interrupted by shutdown after \d+ rows/, 1000);
    const closingAt = logTime(/^SIGTERM received: draining/);
    expect(closingAt).toBeGreaterThanOrEqual(signalledAt - 1000);

    // no request hung; every answer is a 200, a 503 from the closing listener, or a refused/closed connection
    expect(requests.filter((r) => !r.settledAt || r.outcome === 'timeout')).toEqual([]);
    const outcomes = new Set(requests.map((r) => r.outcome));
    expect([...outcomes].filter((o) => ![200, 503, 'refused', 'reset'].includes(o))).toEqual([]);
    expect(requests.some((r) => r.outcome === 'refused')).toBe(true);

    // requests in flight at the signal were answered; nothing sent after the server started closing was accepted
    expect(requests.filter((r) => r.outcome === 200 && r.sentAt < signalledAt && r.settledAt > signalledAt).length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.outcome === 200 && r.sentAt > closingAt)).toEqual([]);

    // what was acknowledged is stored exactly once; what was refused is not stored at all
    const accepted = requests.filter((r) => r.outcome === 200).flatMap((r) => r.flowIds);
    const refused = requests.filter((r) => r.outcome !== 200).flatMap((r) => r.flowIds);
    const stored = await committed([...accepted, ...refused]);
    expect(accepted.filter((id) => stored.get(id) !== 1)).toEqual([]);
    expect(refused.filter((id) => stored.has(id))).toEqual([]);

    // no Bull job was left active (it would be taken for stalled); the import went back to its queue
    for (const name of Object.values(QUEUES)) expect(await redis.llen(`${storage.redisPrefix}:bull:${name}:active`)).toBe(0);
    const queued = (await redis.zscore(`${storage.redisPrefix}:bull:${QUEUES.FLOW_IMPORT}:delayed`, importJobId)) !== null
      || (await redis.lpos(`${storage.redisPrefix}:bull:${QUEUES.FLOW_IMPORT}:wait`, importJobId)) !== null;
    expect(queued).toBe(true);
  }, 240_000);

  it('resumes the interrupted import after a restart and stores every row exactly once', async () => {
    server = await start();
    await pollUntil('the import completed', async () => (await importStatus(server.url)).state === 'completed', 180_000, 500);
    expect((await importStatus(server.url)).progress).toMatchObject({ rows: importRows, flows_stored: importRows });
    const { rows: [count] } = await db.query(`SELECT count(*)::int AS n FROM flows WHERE source = 'csv'`);
    expect(count.n).toBe(importRows);
    expect(exitOf(await server.stop(), 0)).toMatchObject({ code: 0, signal: null });
  }, 240_000);

  it('answers /health/ready 503 while it drains (SHUTDOWN_DRAIN_DELAY_MS) and still serves, then exits 0', async () => {
    server = await start({ SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS) });
    server.signal('SIGTERM');
    let readiness: { details?: Record<string, { status: string; message?: string }> } = {};
    await pollUntil('/health/ready answering 503', async () => {
      const res = await fetch(`${server.url}/health/ready`);
      readiness = (await res.json()) as typeof readiness;
      return res.status === 503;
    }, DRAIN_DELAY_MS / 2, 50);
    expect(readiness.details?.lifecycle).toMatchObject({ status: 'down', message: expect.stringMatching(/shutting down \(draining/) });

    const flows = rows.slice(0, 5).map((row, i) => ({ flow_id: `gs-drain-${i}`, src_ip: '10.99.0.1', dst_ip: '10.200.0.1', protocol: 'tcp', features: featuresOf(row) }));
    const during = await fetch(`${server.url}/api/v1/flows/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ flows }),
    });
    expect(during.status).toBe(200);
    const exit = await server.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 15_000);
    expect(exitOf(exit, 0)).toMatchObject({ code: 0, signal: null });
    expect(exit.afterMs).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
    expect([...(await committed(flows.map((f) => f.flow_id))).values()]).toEqual([1, 1, 1, 1, 1]);
  }, 120_000);

  it('exits with status 1 and says what was still open when a job outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    // a webhook receiver that never answers keeps a delivery job active
    const received: string[] = [];
    const receiver = createServer((req) => received.push(req.url ?? ''));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      server = await start({ SHUTDOWN_TIMEOUT_MS: '3000', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '60000' });
      const token = await loginOverHttp(server.url, ADMIN.email, ADMIN.password);
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/never-answers`;
      const created = await fetch(`${server.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: 'silent receiver', url, events: ['alert.raised'] }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await fetch(`${server.url}/api/v1/webhooks/${id}/test`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(202);
      await pollUntil('the delivery job waiting on the receiver', () => received.length === 1, 30_000);

      const exit = await server.stop('SIGTERM', 30_000);
      expect(exitOf(exit, 1)).toMatchObject({ code: 1, signal: null });
      expect(exit.afterMs).toBeGreaterThanOrEqual(3000);
      expect(exit.afterMs).toBeLessThan(15_000);
      await server.waitForLog(/^shutdown did not finish within 3000 ms; still open: .+; exiting with status 1$/, 1000);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 120_000);
});
