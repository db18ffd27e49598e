import Redis from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { QUEUES } from '../../src/infra/queues/queues';
import { TEST_REDIS_URL } from '../setup/test-database';
import { featuresOf, readFixtureRows } from '../utils/fixtures';
import { IsolatedStorage, loginOverHttp, pollUntil, ServerProcess } from '../utils/server-process';

const ADMIN = { email: 'admin@roles.test', password: 'process-roles-pw-1' };

interface Received {
  event: string;
  payload: { id: string; action?: { id: string; status: string } };
}

describe('process roles: an api and a worker sharing one database and Redis', () => {
  let storage: IsolatedStorage;
  let importDir: string;
  let db: Client;
  let redis: Redis;
  let worker: ServerProcess;
  let api: ServerProcess;
  let token: string;
  let socket: Socket | undefined;

  const startWorker = (env: Record<string, string> = {}) =>
    ServerProcess.start({ env: { ...storage.env, PROCESS_ROLE: 'worker', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, IMPORT_DIR: importDir, ...env } });
  const get = (server: ServerProcess, path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const readiness = async (server: ServerProcess) => {
    const res = await fetch(`${server.url}/health/ready`);
    return { status: res.status, components: Object.keys(((await res.json()) as { details: object }).details).sort() };
  };
  const blockIp = async (ip: string, duration: number) => {
    const res = await fetch(`${api.url}/api/v1/network/block-ip`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ip, duration, reason: 'process roles test' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; status: string };
  };
  const actionStatus = async (id: string) => ((await (await get(api, `/api/v1/network/actions/${id}`)).json()) as { status: string }).status;
  const logsOf = (server: ServerProcess, context: string) => server.logs().filter((l) => l.context === context);

  beforeAll(async () => {
    storage = await IsolatedStorage.create('roles');
    importDir = mkdtempSync(join(tmpdir(), 'ids-roles-imports-'));
    db = new Client({ connectionString: storage.databaseUrl });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL);
    // the worker creates the first admin (one process of a deployment should: two would race for it)
    worker = await startWorker();
    api = await ServerProcess.start({ env: { ...storage.env, PROCESS_ROLE: 'api', IMPORT_DIR: importDir } });
    token = await loginOverHttp(api.url, ADMIN.email, ADMIN.password);
  }, 180_000);

  afterAll(async () => {
    socket?.disconnect();
    await Promise.all([api, worker].map(async (s) => s && (await s.stop('SIGTERM', 30_000).catch(() => s.kill()))));
    await db?.end();
    redis?.disconnect();
    await storage?.destroy();
    rmSync(importDir, { recursive: true, force: true });
  }, 60_000);

  it('the worker serves /health and /metrics only, with the readiness of its background work', async () => {
    await worker.waitForLog(/^started as PROCESS_ROLE=worker .*serves \/health and \/metrics only/, 1000);
    const ready = await readiness(worker);
    expect(ready.status).toBe(200);
    expect(ready.components).toEqual(expect.arrayContaining(['database', 'redis', 'lifecycle', 'stream-consumer', 'firewall']));
    expect((await fetch(`${worker.url}/health/live`)).status).toBe(200);
    const metrics = await fetch(`${worker.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^# TYPE ids_stream_entries_read_total counter$/m);

    for (const path of ['/api/v1/alerts', '/docs', '/docs-json', '/admin/queues', '/socket.io/?EIO=4&transport=polling']) {
      const res = await get(worker, path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.json()).toMatchObject({ status_code: 404, error: 'NOT_FOUND', correlation_id: expect.any(String) });
    }
  });

  it('the api serves the API and runs no background work: no processor, consumer or schedule', async () => {
    await api.waitForLog(/^started as PROCESS_ROLE=api .*runs no queue processors or schedules/, 1000);
    const ready = await readiness(api);
    expect(ready.status).toBe(200);
    expect(ready.components).toEqual(expect.arrayContaining(['database', 'redis', 'lifecycle']));
    expect(ready.components.filter((c) => ['stream-consumer', 'firewall'].includes(c))).toEqual([]);
    expect((await fetch(`${api.url}/docs-json`)).status).toBe(200);
    expect((await fetch(`${api.url}/admin/queues`)).status).toBe(401);
    for (const context of ['StreamConsumerService', 'NetworkReconciler', 'FlowPartitionsService', 'NetworkProcessor']) expect(logsOf(api, context)).toEqual([]);

    // the stream is consumed by the worker's consumer; the api reports that it runs none
    const rows = await readFixtureRows();
    const flow = { flow_id: 'roles-stream-1', src_ip: '10.7.0.1', dst_ip: '10.7.0.2', protocol: 'tcp', features: featuresOf(rows[0]) };
    await redis.xadd(`${storage.redisPrefix}:flows:in`, '*', 'flow', JSON.stringify(flow));
    await pollUntil('the streamed flow stored', async () => (await db.query(`SELECT 1 FROM flows WHERE flow_id = 'roles-stream-1'`)).rowCount === 1, 60_000);
    const info = (await (await get(api, '/api/v1/streams/info')).json()) as { this_consumer: { running: boolean }; group: { consumers: { name: string }[] } };
    expect(info.this_consumer.running).toBe(false);
    const consumer = String((await worker.waitForLog(/^consuming .* as ids-ingest\//, 1000)).msg).split('/').pop();
    expect(info.group.consumers.map((c) => c.name)).toEqual([consumer]);
  });

  it('runs a job the api enqueued on the worker, whose realtime events reach a Socket.IO client of the api', async () => {
    const received: Received[] = [];
    socket = io(api.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false });
    socket.onAny((event: string, payload: Received['payload']) => received.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('connect_error', reject);
    });

    const action = await blockIp('203.0.113.7', 2);
    expect(action.status).toBe('pending');
    const eventFor = (event: string) => received.find((r) => r.event === event && r.payload.action?.id === action.id);
    await pollUntil('ip_blocked relayed from the worker', () => !!eventFor('ip_blocked'), 60_000);
    await pollUntil('block_expired relayed from the worker', () => !!eventFor('block_expired'), 60_000);
    // both come from the worker's jobs: activation (apply job) and expiry (delayed expire job)
    expect(eventFor('ip_blocked')!.payload.action).toMatchObject({ status: 'active' });
    expect(eventFor('block_expired')!.payload.action).toMatchObject({ status: 'expired' });
    expect(await actionStatus(action.id)).toBe('expired');

    const workerJobs = logsOf(worker, 'NetworkProcessor').map((l) => String(l.msg));
    expect(workerJobs).toEqual(expect.arrayContaining([expect.stringMatching(`^job apply:${action.id} \\(apply\\) done`), expect.stringMatching(`^job expire:${action.id} \\(expire\\) done`)]));
    expect(logsOf(api, 'NetworkProcessor')).toEqual([]);
  }, 120_000);

  it('jobs wait in their queue while no worker runs, and a new worker takes them', async () => {
    const exit = await worker.stop('SIGTERM', 30_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    await worker.waitForLog(/^queues drained in \d+ ms/, 1000);

    const action = await blockIp('203.0.113.8', 600);
    // the api never runs it: it waits in the queue however long no worker runs
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await actionStatus(action.id)).toBe('pending');
    expect(await redis.lpos(`${storage.redisPrefix}:bull:${QUEUES.NETWORK}:wait`, `apply:${action.id}`)).not.toBeNull();

    worker = await startWorker({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    await pollUntil('the block applied by the new worker', async () => (await actionStatus(action.id)) === 'active', 60_000);
  }, 180_000);
});
