import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../../src/common/auth/principal';
import { Role } from '../../src/core/permissions';
import { IngestService } from '../../src/flows/ingest/ingest.service';
import { StreamBatchService } from '../../src/flows/stream/stream-batch.service';
import { StreamConsumerService } from '../../src/flows/stream/stream-consumer.service';
import { compareEntryIds, StreamEntry } from '../../src/flows/stream/stream-entry';
import { StreamLedgerRepository } from '../../src/flows/stream/stream-ledger.repository';
import { entriesOfRead, pendingSummaryOf, recordOf } from '../../src/flows/stream/stream-replies';
import { ReadinessRegistry } from '../../src/infra/health/readiness.registry';
import { FlowRow } from '../../src/core/features';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login } from '../utils/factories';
import { FIXTURES, readFixtureRows, sensorFlow } from '../utils/fixtures';

jest.setTimeout(40_000);

const run = randomUUID().slice(0, 8);
const prefix = testRedisPrefix(`:stream-${run}`);
const KEYS = { in: `${prefix}:flows:in`, out: `${prefix}:flows:out`, dead: `${prefix}:flows:dead` };
const GROUP = 'ids-ingest';
const LIVE = `live-${run}`;

/** A stream entry's flat field list as a record. */
const record = (fields: string[]) => recordOf(fields) as Record<string, string>;

async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 25_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis Streams ingest', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let redis: Redis;
  let rows: FlowRow[];
  let closed = false;

  /** A flow as a sensor writes it into the stream (the JSON of POST /flows). */
  const flowOf = (row: FlowRow, i: number, subnet: number, src?: string) =>
    sensorFlow(row, i, { flowId: `stream-${run}-${subnet}-${i}`, srcIp: src ?? `198.18.${subnet}.${(i % 250) + 1}`, dstIp: '198.19.1.1' });
  const add = async (...fields: string[]): Promise<string> => (await redis.xadd(KEYS.in, '*', ...fields))!;
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params))[0].n);
  const flowsOfSensor = (sensor: string) => count(`SELECT count(*) AS n FROM flows WHERE sensor_id = $1`, [sensor]);
  const pending = async () => Number(((await redis.xpending(KEYS.in, GROUP)) as unknown[])[0]);
  /** Output entries as records, per input entry id. */
  const outputs = async () => {
    const byEntry = new Map<string, Record<string, string>[]>();
    for (const [, fields] of await redis.xrange(KEYS.out, '-', '+')) {
      const r = record(fields);
      byEntry.set(r.entry_id, [...(byEntry.get(r.entry_id) ?? []), r]);
    }
    return byEntry;
  };
  /** XADDs entries and reads them as another consumer in one MULTI (no live consumer can take them first). */
  const deliverTo = async (consumer: string, entries: string[][]): Promise<StreamEntry[]> => {
    const tx = redis.multi();
    for (const fields of entries) tx.xadd(KEYS.in, '*', ...fields);
    tx.xreadgroup('GROUP', GROUP, consumer, 'COUNT', entries.length, 'STREAMS', KEYS.in, '>');
    const replies = (await tx.exec())!;
    return entriesOfRead(replies[replies.length - 1][1]);
  };

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    rows = await readFixtureRows();
    app = await createTestApp({
      INGEST_STREAM_KEY: KEYS.in,
      INGEST_STREAM_OUT_KEY: KEYS.out,
      INGEST_STREAM_DEAD_KEY: KEYS.dead,
      INGEST_STREAM_CONSUMER: LIVE,
      INGEST_STREAM_BLOCK_MS: '100',
      INGEST_STREAM_CLAIM_MIN_IDLE_MS: '1500',
      INGEST_STREAM_CLAIM_INTERVAL_MS: '250',
    });
    db = app.get(DataSource);
  });
  afterAll(async () => {
    if (!closed) await app?.close();
    await redis?.del(KEYS.in, KEYS.out, KEYS.dead);
    redis?.disconnect();
  });

  it('ingests real flows XADDed by a sensor: flows and alerts in the database, results on the output stream', async () => {
    const sensor = randomUUID();
    const ddos = rows.filter((r) => r.label === 'DDoS').slice(0, 6);
    const benign = rows.filter((r) => r.label === 'BENIGN').slice(0, 4);
    expect(ddos.length).toBeGreaterThan(3);
    const ids = [
      // one entry with the whole DDoS storm from one source, one entry per benign flow
      await add('flows', JSON.stringify(ddos.map((r, i) => flowOf(r, i, 70, '198.18.70.1'))), 'sensor', sensor),
      ...(await Promise.all(benign.map((r, i) => add('flow', JSON.stringify(flowOf(r, i, 71)), 'sensor', sensor)))),
    ];
    const total = ddos.length + benign.length;

    const out = await waitFor('results of every entry', outputs, (o) => ids.every((id) => o.has(id)));
    expect(await pending()).toBe(0);
    expect(await flowsOfSensor(sensor)).toBe(total);
    expect(out.get(ids[0])!.map((r) => Number(r.index))).toEqual(ddos.map((_, i) => i));
    const results = ids.flatMap((id) => out.get(id)!);
    expect(results).toHaveLength(total);
    const stored = await db.query(`SELECT id::text, predicted_label, alert_id::text, source FROM flows WHERE sensor_id = $1`, [sensor]);
    const byId = new Map(stored.map((f: { id: string }) => [f.id, f]));
    for (const r of results) expect(byId.get(r.id)).toMatchObject({ predicted_label: r.label, alert_id: r.alert_id ?? null, source: 'stream' });

    const ddosResults = out.get(ids[0])!;
    expect(ddosResults.filter((r) => r.label === 'DDoS').length).toBeGreaterThanOrEqual(ddos.length - 1);
    const alerts = await db.query(`SELECT id::text, event_count FROM alerts WHERE src_ip = '198.18.70.1' AND attack_type = 'DDoS'`);
    expect(alerts).toHaveLength(1);
    expect(ddosResults.filter((r) => r.alert_id).every((r) => r.alert_id === alerts[0].id)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM stream_ingested WHERE stream = $1 AND entry_id = ANY($2)`, [KEYS.in, ids])).toBe(ids.length);
  });

  it('takes features in another CICFlowMeter dialect (the corrected meter names of real rows)', async () => {
    const sensor = randomUUID();
    const path = join(FIXTURES, 'cicids2017-improved-sample.csv');
    const [headerLine, ...lines] = readFileSync(path, 'utf8').split('\r\n').filter(Boolean);
    const header = headerLine.split(',');
    const expected = (await readFixtureRows(path)).slice(0, 5);
    const flows = lines.slice(0, 5).map((line, i) => ({
      flow_id: `stream-${run}-corrected-${i}`,
      features: Object.fromEntries(line.split(',').map((cell, c) => [header[c], cell])),
    }));
    const id = await add('flows', JSON.stringify(flows), 'sensor', sensor);
    await waitFor('the corrected-dialect entry', outputs, (o) => o.has(id));
    const stored: { flow_id: string; raw_features: number[] }[] = await db.query(
      `SELECT flow_id, raw_features FROM flows WHERE sensor_id = $1 ORDER BY flow_id`,
      [sensor],
    );
    expect(stored.map((f) => f.raw_features.map(Number))).toEqual(expected.map((r) => Array.from(r.features)));
  });

  it('recovers a consumer that died mid-batch: XAUTOCLAIM, and every entry stored exactly once', async () => {
    const sensor = randomUUID();
    const fixture = rows.slice(0, 8);
    const entries = await deliverTo(
      'dead',
      fixture.map((r, i) => (i % 2 ? ['flow', JSON.stringify(flowOf(r, i, 72))] : ['flows', JSON.stringify([flowOf(r, i, 72), flowOf(r, i + 100, 72)])]).concat('sensor', sensor)),
    );
    expect(entries).toHaveLength(fixture.length);
    const expectedFlows = fixture.length + fixture.length / 2;
    // the dead consumer committed its first half, then died before publishing and XACK; the rest it never stored
    const committed = await app.get(StreamBatchService).persist(entries.slice(0, 4));
    expect(committed).toMatchObject({ ingested: 4, replayed: 0 });

    const out = await waitFor('the reclaimed entries to be acknowledged', async () => ({ pending: await pending(), out: await outputs() }), (s) => s.pending === 0 && entries.every((e) => s.out.has(e.id)));
    expect(await flowsOfSensor(sensor)).toBe(expectedFlows);
    const ledger = await db.query(`SELECT entry_id, cardinality(flow_ids) AS n FROM stream_ingested WHERE stream = $1 AND entry_id = ANY($2)`, [KEYS.in, entries.map((e) => e.id)]);
    expect(ledger).toHaveLength(entries.length);
    expect(ledger.reduce((n: number, r: { n: number }) => n + r.n, 0)).toBe(expectedFlows);
    // the committed half was published from the ledger, once, with the stored flow ids
    for (const e of entries) expect(out.out.get(e.id)).toHaveLength(e.fields!.some(([f]) => f === 'flows') ? 2 : 1);
    expect(out.out.get(entries[0].id)!.map((r) => r.id)).toEqual(committed.results.filter((r) => r.entryId === entries[0].id).map((r) => r.id));
    const consumers = ((await redis.xinfo('CONSUMERS', KEYS.in, GROUP)) as unknown[]).map(recordOf).map((c) => ({ name: c.name, pending: Number(c.pending) }));
    expect(consumers).toEqual(expect.arrayContaining([{ name: 'dead', pending: 0 }, { name: LIVE, pending: 0 }]));
  });

  it('stores entries once when two consumers process them at the same time', async () => {
    const sensor = randomUUID();
    const entries = await deliverTo('slow', rows.slice(10, 14).map((r, i) => ['flow', JSON.stringify(flowOf(r, i, 73)), 'sensor', sensor]));
    const batches = app.get(StreamBatchService);
    const [a, b] = await Promise.all([batches.persist(entries), batches.persist(entries)]);
    expect(a.ingested + b.ingested).toBe(entries.length);
    expect(a.replayed + b.replayed).toBe(entries.length);
    expect(a.results.map((r) => r.id).sort()).toEqual(b.results.map((r) => r.id).sort());
    expect(await flowsOfSensor(sensor)).toBe(entries.length);
    await waitFor('the slow consumer’s entries to be reclaimed', pending, (n) => n === 0);
    expect(await flowsOfSensor(sensor)).toBe(entries.length);
  });

  it('prunes the ledger of acknowledged entries only: one still pending keeps its row and is not stored twice', async () => {
    const sensor = randomUUID();
    const entries = await deliverTo('holder', rows.slice(14, 16).map((r, i) => ['flow', JSON.stringify(flowOf(r, i, 77)), 'sensor', sensor]));
    await app.get(StreamBatchService).persist(entries);
    const ledgerRows = () => count(`SELECT count(*) AS n FROM stream_ingested WHERE stream = $1`, [KEYS.in]);
    const before = await ledgerRows();
    const oldestPending = pendingSummaryOf(await redis.xpending(KEYS.in, GROUP)).minId;
    expect(oldestPending).toBe(entries[0].id);
    const removed = await app.get(StreamLedgerRepository).prune(KEYS.in, 0, oldestPending);
    expect(removed).toBeGreaterThan(0);
    expect(await ledgerRows()).toBe(before - removed);
    expect(await count(`SELECT count(*) AS n FROM stream_ingested WHERE stream = $1 AND entry_id = ANY($2)`, [KEYS.in, entries.map((e) => e.id)])).toBe(2);
    await waitFor('the held entries to be reclaimed', pending, (n) => n === 0);
    expect(await flowsOfSensor(sensor)).toBe(2);
  });

  it('dead-letters invalid entries with the reason and acknowledges them', async () => {
    const sensor = randomUUID();
    const good = flowOf(rows[0], 0, 74);
    const bad: [string, string[], RegExp][] = [
      ['not json', ['flow', '{"src_ip": '], /^flow: is not valid JSON/],
      ['bad address', ['flow', JSON.stringify({ ...good, src_ip: '999.1.1.1' })], /flow\.src_ip: must be an IPv4 or IPv6 address/],
      ['missing features', ['flows', JSON.stringify([good, { src_ip: '198.18.74.9' }])], /flows\[1\]\.features/],
      ['no flow field', ['hello', 'world'], /exactly one of the fields flow and flows/],
      ['unknown sensor', ['flow', JSON.stringify(good), 'sensor', 'not-a-key'], /^sensor: no API key in force has the id or name "not-a-key"/],
      ['blank sensor', ['flow', JSON.stringify(good), 'sensor', ' '], /^sensor: must be the sensor's API key id \(a UUID\) or name/],
    ];
    const badIds: string[] = [];
    for (const [, fields] of bad) badIds.push(await add(...fields));
    const goodId = await add('flow', JSON.stringify(good), 'sensor', sensor);

    const dead = await waitFor(
      'the dead letters',
      async () => (await redis.xrange(KEYS.dead, '-', '+')).map(([, f]) => record(f)),
      (d) => badIds.every((id) => d.some((x) => x.entry_id === id)),
    );
    bad.forEach(([what, fields, reason], i) => {
      const letter = dead.find((x) => x.entry_id === badIds[i])!;
      expect([what, letter.reason]).toEqual([what, expect.stringMatching(reason)]);
      expect(JSON.parse(letter.payload)).toEqual(Object.fromEntries([fields.slice(0, 2), ...(fields.length > 2 ? [fields.slice(2)] : [])]));
    });
    await waitFor('the valid entry', outputs, (o) => o.has(goodId));
    expect(await pending()).toBe(0);
    expect(await flowsOfSensor(sensor)).toBe(1);
    const deadIds = new Set(dead.map((x) => x.entry_id));
    expect(deadIds.has(goodId)).toBe(false);
  });

  it('takes the sensor as its API key id or name: a name is stored as the key id, a name two keys share is refused', async () => {
    const keys = app.get(ApiKeysService);
    const name = `edge-${run}`;
    const { key } = await keys.create(SYSTEM_ACTOR, name, null);
    const twin = `twin-${run}`;
    await keys.create(SYSTEM_ACTOR, twin, null);
    await keys.create(SYSTEM_ACTOR, twin, null);
    const byName = await add('flow', JSON.stringify(flowOf(rows[1], 1, 78)), 'sensor', name);
    const byId = await add('flow', JSON.stringify(flowOf(rows[2], 2, 78)), 'sensor', key.id.toUpperCase());
    const shared = await add('flow', JSON.stringify(flowOf(rows[3], 3, 78)), 'sensor', twin);
    await waitFor('the named and the id entries', outputs, (o) => o.has(byName) && o.has(byId));
    expect(await flowsOfSensor(key.id)).toBe(2);
    const dead = await waitFor(
      'the shared name refused',
      async () => (await redis.xrange(KEYS.dead, '-', '+')).map(([, f]) => record(f)).filter((d) => d.entry_id === shared),
      (d) => d.length === 1,
    );
    expect(dead[0].reason).toBe(`sensor: 2 API keys in force are named "${twin}": give the key's id`);
  });

  it('dead-letters an entry whose ingest keeps failing, without holding up the others', async () => {
    const sensor = randomUUID();
    const ingest = app.get(IngestService);
    const real = ingest.ingest.bind(ingest);
    // a flow the pipeline cannot store, whatever the reason (simulated): an error that is not an outage
    const spy = jest
      .spyOn(ingest, 'ingest')
      .mockImplementation((flows, ctx, options) => (flows.some((f) => f.flowId === 'poison') ? Promise.reject(new Error('simulated: value out of range')) : real(flows, ctx, options)));
    try {
      const tx = redis.multi();
      for (const [i, flowId] of ['fine-1', 'fine-2', 'poison'].entries()) tx.xadd(KEYS.in, '*', 'flow', JSON.stringify({ ...flowOf(rows[i], i, 76), flow_id: flowId }), 'sensor', sensor);
      const ids = ((await tx.exec()) ?? []).map(([, id]) => String(id));
      const dead = await waitFor('the poisonous entry in the dead-letter stream', async () => (await redis.xrange(KEYS.dead, '-', '+')).map(([, f]) => record(f)), (d) => d.some((x) => x.entry_id === ids[2]));
      expect(dead.find((x) => x.entry_id === ids[2])!.reason).toMatch(/^ingest failed 3 times: simulated: value out of range/);
      await waitFor('the other entries', outputs, (o) => o.has(ids[0]) && o.has(ids[1]));
      expect(await pending()).toBe(0);
      expect(await flowsOfSensor(sensor)).toBe(2);
      // settled: the consumer is ready again, the error stays visible
      const probe = app.get(ReadinessRegistry).entries().find(([name]) => name === 'stream-consumer')!;
      await expect(probe[1].probe()).resolves.toMatchObject({ consumer: LIVE });
      expect(app.get(StreamConsumerService).status().lastError?.message).toMatch(/simulated/);
    } finally {
      spy.mockRestore();
    }
  });

  it('reports the stream, the group and its consumers on GET /streams/info, to view_stats holders', async () => {
    const viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
    const res = await app.inject({ method: 'GET', url: '/api/v1/streams/info', headers: bearer(viewer.access_token) });
    expect(res.statusCode).toBe(200);
    const info = res.json();
    expect(info).toMatchObject({
      enabled: true,
      stream: { key: KEYS.in, length: await redis.xlen(KEYS.in) },
      group: { name: GROUP, pending: 0, lag: 0 },
      dead_letter: { key: KEYS.dead, length: await redis.xlen(KEYS.dead) },
      output: { key: KEYS.out, length: await redis.xlen(KEYS.out) },
      this_consumer: { name: LIVE, running: true, retrying_entries: 0, last_error: { message: expect.stringMatching(/simulated/), at: expect.any(String) } },
    });
    expect(info.dead_letter.length).toBeGreaterThanOrEqual(5);
    expect(info.group.consumers).toEqual(expect.arrayContaining([
      { name: LIVE, pending: 0, idle_ms: expect.any(Number) },
      { name: 'dead', pending: 0, idle_ms: expect.any(Number) },
    ]));
    const probe = app.get(ReadinessRegistry).entries().find(([name]) => name === 'stream-consumer');
    await expect(probe![1].probe()).resolves.toMatchObject({ consumer: LIVE });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ids_stream_entries_acked_total \d+/);
    expect(metrics.body).toMatch(/ids_stream_entries_dead_total\{reason="invalid"\} \d+/);
    expect(metrics.body).toMatch(/ids_stream_entries_read_total\{via="claim"\} \d+/);
    expect(metrics.body).toMatch(/ids_stream_batch_duration_seconds_count \d+/);
  });

  it('on shutdown, finishes and acknowledges the batch in flight, then stops reading', async () => {
    const sensor = randomUUID();
    const ids: string[] = [];
    for (const [i, r] of rows.slice(20, 30).entries()) ids.push(await add('flow', JSON.stringify(flowOf(r, i, 75)), 'sensor', sensor));
    await new Promise((r) => setTimeout(r, 50));
    await app.close();
    closed = true;
    expect(app.get(StreamConsumerService).status().running).toBe(false);
    const group = recordOf(((await redis.xinfo('GROUPS', KEYS.in)) as unknown[])[0]);
    const delivered = ids.filter((id) => compareEntryIds(id, String(group['last-delivered-id'])) <= 0);
    expect(await pending()).toBe(0);
    // the application's pool is closed: count with a connection of our own
    const pg = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await pg.connect();
    try {
      const { rows: [stored] } = await pg.query(`SELECT count(*)::int AS n FROM flows WHERE sensor_id = $1`, [sensor]);
      expect(stored.n).toBe(delivered.length);
    } finally {
      await pg.end();
    }
  });
});

describe('Redis Streams ingest, disabled', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ INGEST_STREAM_ENABLED: 'false', INGEST_STREAM_KEY: `${prefix}:disabled:in` });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reads nothing and says so', async () => {
    const admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    const info = (await app.inject({ method: 'GET', url: '/api/v1/streams/info', headers: bearer(admin.access_token) })).json();
    expect(info).toMatchObject({ enabled: false, stream: { length: 0 }, group: null, this_consumer: { running: false } });
    expect(app.get(ReadinessRegistry).entries().map(([name]) => name)).not.toContain('stream-consumer');
  });
});
