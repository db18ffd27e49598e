import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { FlowRow } from '../../src/core/features';
import { CIC_GENERATED_SAMPLE, CIC_SAMPLE, FIXTURES, readFixtureRows, sensorFlow } from '../utils/fixtures';
import { createApiKeyOverHttp, loginOverHttp, pollUntil, ServerProcess } from '../utils/server-process';
import { PrivatePostgres, PrivateRedis, RedisOptions, startPostgres, startRedis } from '../utils/services';

jest.setTimeout(120_000);

const OUTAGE_MS = 20_000;
const RECOVERY_BUDGET_MS = 30_000;
/** What "answers at once" means on a loaded machine; a request queued behind the reconnection would take the outage. */
const FAST_MS = 3_000;
const PREFIX = 'ids-outage';
const OUTAGE_ATTACKER = '198.18.9.250';
const ADMIN = { email: 'admin@example.test', password: 'outage-drill-passphrase' };

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Its own PostgreSQL and Redis, and the real server on them (a child process), with what the scenarios need. */
class Rig {
  readonly importDir = mkdtempSync(join(tmpdir(), 'ids-outage-imports-'));
  readonly run = randomUUID().slice(0, 8);
  pg!: PrivatePostgres;
  redis!: PrivateRedis;
  app!: ServerProcess;
  db!: Client;
  token = '';
  apiKey = '';
  rows: FlowRow[] = [];

  async start(redis: RedisOptions, env: Record<string, string>): Promise<this> {
    [this.pg, this.redis] = await Promise.all([startPostgres(), startRedis(redis)]);
    const databaseUrl = await this.pg.createDatabase('ids_redis_outage');
    this.app = await ServerProcess.start({
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: this.redis.url,
        REDIS_KEY_PREFIX: PREFIX,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        FIREWALL_DRIVER: 'dry-run',
        FIREWALL_JOB_BACKOFF_MS: '200',
        IMPORT_DIR: this.importDir,
        DATASETS_DIR: FIXTURES,
        ...env,
      },
    });
    this.db = new Client({ connectionString: databaseUrl });
    await this.db.connect();
    this.token = await loginOverHttp(this.app.url, ADMIN.email, ADMIN.password);
    this.apiKey = await createApiKeyOverHttp(this.app.url, this.token, 'outage-sensor');
    this.rows = await readFixtureRows();
    return this;
  }

  async stop(): Promise<void> {
    await this.db?.end();
    await this.app?.stop();
    await Promise.all([this.pg?.destroy(), this.redis?.destroy()]);
    rmSync(this.importDir, { recursive: true, force: true });
  }

  /** A request as the admin, or as the sensor (API key). */
  async call(method: string, path: string, body?: unknown, as: 'admin' | 'sensor' = 'admin'): Promise<Answer> {
    const started = Date.now();
    const res = await fetch(`${this.app.url}${path}`, {
      method,
      headers: {
        ...(as === 'admin' ? { authorization: `Bearer ${this.token}` } : { 'x-api-key': this.apiKey }),
        ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }),
      },
      body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : {} };
  }

  /** Blocks `ip` for `duration` seconds (201) and returns the answer. */
  async block(ip: string, duration: number): Promise<Answer> {
    const res = await this.call('POST', '/api/v1/network/block-ip', { ip, duration, reason: 'outage test' });
    expect(res).toMatchObject({ status: 201 });
    return res;
  }

  async action(id: string): Promise<{ status: string; expires_at: Date }> {
    return (await this.db.query(`SELECT status, expires_at FROM network_actions WHERE id = $1`, [id])).rows[0];
  }

  async statusOf(id: string): Promise<string> {
    return (await this.action(id))?.status;
  }

  async flowsWithId(flowId: string): Promise<number> {
    return Number((await this.db.query(`SELECT count(*) AS n FROM flows WHERE flow_id = $1`, [flowId])).rows[0].n);
  }

  /** A flow of a real attack row from `srcIp`. */
  attackFlow(srcIp: string) {
    const i = this.rows.findIndex((r) => r.label === 'DDoS');
    return sensorFlow(this.rows[i], i, { flowId: `redis-${this.run}-attack`, srcIp });
  }

  flow(i: number) {
    const row = this.rows[i % this.rows.length];
    return sensorFlow(row, i, { flowId: `redis-${this.run}-${i}`, srcIp: `198.18.9.${(i % 250) + 1}` });
  }

  /** XADDs flow `i` to the ingest stream (on a connection of the test's own) and returns its flow id. */
  async streamFlow(i: number): Promise<string> {
    const client = new Redis(this.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await client.xadd(`${PREFIX}:flows:in`, '*', 'flow', JSON.stringify(this.flow(i)));
    } finally {
      client.disconnect();
    }
    return this.flow(i).flow_id;
  }

  async readyAnswer(): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.app.url}/health/ready`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    return { status: res?.status ?? 0, body: res ? await res.text() : '' };
  }

  async readyWithin(status: number, ms: number): Promise<void> {
    await pollUntil(`/health/ready answering ${status}`, async () => (await this.readyAnswer()).status === status, ms, 100).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${(await this.readyAnswer()).body}`);
    });
  }

  /** Messages of the server's log lines. */
  logMessages(): string[] {
    return this.app.logs().map((l) => String(l.msg ?? ''));
  }
}

function csvUpload(): FormData {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(CIC_GENERATED_SAMPLE)], { type: 'text/csv' }), 'outage.csv');
  return form;
}

/**
 * Redis (with an append-only file, fsync'd on every write, as a deployment that keeps queues in it runs it) is
 * stopped for 20 s under a running server, then started again. While it is down the server must answer at once:
 * 503 + Retry-After where a job must be queued, and keep serving what does not need Redis. Once it is back,
 * everything resumes by itself: readiness, Bull processors and delayed jobs, the stream consumer, Socket.IO.
 */
describe('Redis outage', () => {
  const rig = new Rig();
  let socket: Socket;
  const received: { event: string; payload: { id?: string; action?: { id?: string }; alert?: { src_ip?: string } } }[] = [];
  const figures: Record<string, number> = {};
  const blocks = { before: '', during: '', late: '', fresh: '' };
  let lateExpired: Promise<number> = Promise.resolve(0);

  beforeAll(async () => {
    // only Bull's delayed jobs can expire a block on time: the periodic reconciler pass is an hour away
    await rig.start({ persistent: true }, { FIREWALL_RECONCILE_SECONDS: '3600' });
    socket = io(rig.app.url, { path: '/socket.io', transports: ['websocket'], auth: { token: rig.token } });
    socket.onAny((event: string, payload) => received.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  });

  afterAll(async () => {
    socket?.disconnect();
    await rig.stop();
    if (Object.keys(figures).length) process.stdout.write(`Redis outage figures: ${JSON.stringify(figures)}\n`);
  });

  it('before the outage: blocks are applied by their Bull jobs and the stream is consumed', async () => {
    // one block expires while Redis is down, one 15 s after it is back (its delayed job alone can expire it on time)
    blocks.before = String((await rig.block('203.0.113.10', 6)).body.id);
    blocks.late = String((await rig.block('203.0.113.11', Math.round((OUTAGE_MS + 15_000) / 1000))).body.id);
    await pollUntil('blocks active', async () => (await rig.statusOf(blocks.before)) === 'active' && (await rig.statusOf(blocks.late)) === 'active', 15_000);
    const flowId = await rig.streamFlow(0);
    await pollUntil('the stream entry stored', async () => (await rig.flowsWithId(flowId)) === 1, 15_000);
    expect(socket.connected).toBe(true);
  });

  it('while Redis is down: not ready within 5 s, jobs refused at once with 503, the rest keeps working', async () => {
    const stoppedAt = Date.now();
    await rig.redis.stop();
    await rig.readyWithin(503, 5_000);
    figures.notReadyAfterMs = Date.now() - stoppedAt;
    expect(JSON.parse((await rig.readyAnswer()).body).error).toHaveProperty('redis');

    // routes that queue a job: 503 + Retry-After, at once
    const upload = await rig.call('POST', '/api/v1/flows/import', csvUpload(), 'sensor');
    const retrain = await rig.call('POST', '/api/v1/inference/retrain', { data_path: CIC_SAMPLE, epochs: 1 });
    for (const res of [upload, retrain]) {
      expect(res).toMatchObject({ status: 503, body: { error: 'DEPENDENCY_UNAVAILABLE' } });
      expect(Number(res.retryAfter)).toBeGreaterThan(0);
      expect(res.ms).toBeLessThan(FAST_MS);
    }
    // a block is committed (the database is the source of truth); its job waits for Redis
    const during = await rig.block('203.0.113.12', 3);
    expect(during.body.status).toBe('pending');
    expect(during.ms).toBeLessThan(FAST_MS);
    blocks.during = String(during.body.id);

    // what does not need Redis keeps working: ingest, reads, sign-in (failed sign-ins still counted, per process)
    const ingest = await rig.call('POST', '/api/v1/flows/batch', { flows: [rig.flow(1), rig.flow(2)] }, 'sensor');
    expect(ingest).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(ingest.ms).toBeLessThan(FAST_MS);
    expect(await rig.flowsWithId(rig.flow(1).flow_id)).toBe(1);
    // an attack raises its alert; the realtime event waits for Redis (its replay log gives the event its id)
    const attack = await rig.call('POST', '/api/v1/flows', rig.attackFlow(OUTAGE_ATTACKER), 'sensor');
    expect(attack).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(received.some((r) => r.event === 'attack_detected' && r.payload.alert?.src_ip === OUTAGE_ATTACKER)).toBe(false);
    expect((await rig.call('GET', '/api/v1/network/actions')).status).toBe(200);
    const login = (password: string) =>
      fetch(`${rig.app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password }) });
    expect((await login(ADMIN.password)).status).toBe(200);
    const failures = [];
    for (let i = 0; i < 6; i++) failures.push((await login('not-the-password')).status);
    expect(failures).toEqual([401, 401, 401, 401, 401, 429]);

    figures.slowestRefusalMs = Math.max(upload.ms, retrain.ms, during.ms);
    await sleep(stoppedAt + OUTAGE_MS - Date.now());
    expect(rig.app.exitStatus).toBeNull();
    expect((await fetch(`${rig.app.url}/health/live`)).status).toBe(200);
    expect((await rig.readyAnswer()).status).toBe(503);
  });

  it('after Redis returns: ready, queues, delayed jobs, the stream consumer and Socket.IO resume within 30 s', async () => {
    await rig.redis.start();
    const restartedAt = Date.now();
    const deadline = restartedAt + RECOVERY_BUDGET_MS;
    const within = () => Math.max(1_000, deadline - Date.now());
    // when the block due 15 s after the restart expires (watched from now on)
    const { expires_at: lateDue } = await rig.action(blocks.late);
    lateExpired = pollUntil('the late block expired', async () => (await rig.statusOf(blocks.late)) === 'expired', lateDue.getTime() - Date.now() + 15_000, 100)
      .then(() => Date.now() - lateDue.getTime(), () => Number.POSITIVE_INFINITY);

    await rig.readyWithin(200, within());
    figures.readyAfterMs = Date.now() - restartedAt;

    // the adapter publishes to Redis again (another API instance would relay the event to its clients)
    const subscriber = new Redis(rig.redis.url);
    const published: string[] = [];
    subscriber.on('pmessage', (_pattern, channel) => published.push(channel));
    await subscriber.psubscribe(`${PREFIX}:socket.io#*`);
    try {
      // a new block goes through its apply job, then its delayed expiry job
      blocks.fresh = String((await rig.block('203.0.113.13', 2)).body.id);
      await pollUntil('the new block applied by its job', async () => (await rig.statusOf(blocks.fresh)) !== 'pending', within());
      await pollUntil('the new block expired by its delayed job', async () => (await rig.statusOf(blocks.fresh)) === 'expired', within());
      figures.jobsResumedAfterMs = Date.now() - restartedAt;

      // the stream consumer reads again
      const flowId = await rig.streamFlow(3);
      await pollUntil('a stream entry added after the outage stored', async () => (await rig.flowsWithId(flowId)) === 1, within());
      figures.streamResumedAfterMs = Date.now() - restartedAt;

      // the blocks due during the outage (one created then, its jobs never queued) expired once Redis was back
      await pollUntil('blocks due during the outage expired', async () =>
        (await rig.statusOf(blocks.during)) === 'expired' && (await rig.statusOf(blocks.before)) === 'expired', within());

      // a CSV import is queued and processed
      const upload = await rig.call('POST', '/api/v1/flows/import', csvUpload(), 'sensor');
      expect(upload.status).toBe(202);
      await pollUntil('the import completed', async () =>
        (await rig.call('GET', `/api/v1/flows/import/${upload.body.job_id}`, undefined, 'sensor')).body.state === 'completed', within());

      // the attack detected during the outage reached the client once Redis answered, with its replay-log id
      const heldAttack = () => received.find((r) => r.event === 'attack_detected' && r.payload.alert?.src_ip === OUTAGE_ATTACKER);
      await pollUntil('the held attack_detected event', () => heldAttack() !== undefined, within());
      expect(heldAttack()?.payload.id).toMatch(/^\d+-\d+$/);

      // the client connected before the outage got the realtime events of the new block, through the adapter
      const eventsOf = (id: string) => received.filter((r) => r.payload?.action?.id === id).map((r) => r.event);
      await pollUntil('realtime events of the new block', async () => eventsOf(blocks.fresh).includes('block_expired'), within());
      expect(eventsOf(blocks.fresh)).toEqual(expect.arrayContaining(['ip_blocked', 'block_expired']));
      expect(published.length).toBeGreaterThan(0);
    } finally {
      subscriber.disconnect();
    }
    expect(Date.now()).toBeLessThanOrEqual(deadline);

    // the block due 15 s after the restart is expired on time by its delayed job, kept in Redis across the restart
    figures.lateBlockExpiredAfterDueMs = await lateExpired;
    expect(figures.lateBlockExpiredAfterDueMs).toBeLessThan(10_000);

    // Bull's connection errors were logged once per outage and queue, never fatal
    const messages = rig.logMessages();
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^queue network: Redis unavailable/), 'queue network: Redis connection restored']));
    expect(messages.filter((m) => /^queue network: Redis unavailable/.test(m))).toHaveLength(1);
    expect(rig.app.exitStatus).toBeNull();
  });
});

/**
 * A Redis without persistence restarts empty: queued and delayed jobs, the stream's consumer group and its
 * pending entries are gone (that loss is what persistence is for). The server must still recover by itself: the
 * group is created again, new jobs run, and blocks whose expiry job was lost are expired by the reconciler.
 */
describe('Redis restarted without its data', () => {
  const rig = new Rig();
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    await rig.start({ persistent: false }, { FIREWALL_RECONCILE_SECONDS: '5' });
  });

  afterAll(async () => {
    await rig.stop();
    if (Object.keys(figures).length) process.stdout.write(`Redis restart without data figures: ${JSON.stringify(figures)}\n`);
  });

  it('recreates the stream group, runs new jobs and expires blocks whose jobs were lost', async () => {
    const lost = String((await rig.block('203.0.113.20', 8)).body.id);
    await pollUntil('the block active', async () => (await rig.statusOf(lost)) === 'active', 15_000);
    const before = await rig.streamFlow(10);
    await pollUntil('the stream entry stored', async () => (await rig.flowsWithId(before)) === 1, 15_000);

    await rig.redis.stop();
    await rig.readyWithin(503, 5_000);
    await sleep(3_000);
    await rig.redis.start();
    const restartedAt = Date.now();
    const within = () => Math.max(1_000, restartedAt + RECOVERY_BUDGET_MS - Date.now());

    await rig.readyWithin(200, within());
    figures.readyAfterMs = Date.now() - restartedAt;
    const after = await rig.streamFlow(11);
    await pollUntil('a stream entry added after the restart stored', async () => (await rig.flowsWithId(after)) === 1, within());
    figures.streamResumedAfterMs = Date.now() - restartedAt;
    const fresh = String((await rig.block('203.0.113.21', 600)).body.id);
    await pollUntil('a new block applied by its job', async () => (await rig.statusOf(fresh)) === 'active', within());
    figures.jobsResumedAfterMs = Date.now() - restartedAt;

    const { expires_at: due } = await rig.action(lost);
    await pollUntil('the block whose expiry job was lost expired', async () => (await rig.statusOf(lost)) === 'expired', Math.max(0, due.getTime() - Date.now()) + 15_000);
    figures.lostJobBlockExpiredAfterDueMs = Date.now() - due.getTime();
    expect(rig.app.exitStatus).toBeNull();
  });
});
