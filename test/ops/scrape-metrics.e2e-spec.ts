import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys } from '../network/utils/network-test-app';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';
import { CIC_SAMPLE, readFixtureRows, sensorFlow } from '../utils/fixtures';
import { metricValue } from '../utils/prometheus-text';

jest.setTimeout(90_000);

/** Scrapes until `check` holds on the exposition (jobs and the stream consumer work in the background). */
async function scrapeUntil(app: NestFastifyApplication, what: string, check: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`/metrics never showed ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('gauges read at scrape time and Bull job metrics', () => {
  const prefix = testRedisPrefix(`-ops-${randomUUID().slice(0, 8)}`);
  const importDir = mkdtempSync(join(tmpdir(), 'ids-ops-import-'));
  let app: NestFastifyApplication;
  let redis: Redis;

  beforeAll(async () => {
    // a Redis prefix of its own: its own Bull queues and ingest streams, so the counts are this spec's alone
    app = await createTestApp({ REDIS_KEY_PREFIX: prefix, IMPORT_DIR: importDir });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await deleteKeys(`${prefix}:*`);
    rmSync(importDir, { recursive: true, force: true });
  });

  it('reports readiness per component', async () => {
    const text = await scrapeUntil(app, 'readiness', (t) => metricValue(t, 'ids_readiness_status', { component: 'database' }) !== undefined);
    for (const component of ['database', 'redis']) expect(metricValue(text, 'ids_readiness_status', { component })).toBe(1);
  });

  it('counts the jobs of each queue and times every job run here, by outcome', async () => {
    const key = await createApiKey(app);
    const boundary = '----ids-ops-boundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="sample.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      readFileSync(CIC_SAMPLE),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const upload = await app.inject({ method: 'POST', url: '/api/v1/flows/import', headers: { 'x-api-key': key, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(upload.statusCode).toBe(202);

    const done = { queue: 'flow-import', outcome: 'completed' };
    const text = await scrapeUntil(app, 'a completed import job', (t) => metricValue(t, 'ids_queue_job_duration_seconds_count', done) === 1);
    expect(metricValue(text, 'ids_queue_job_duration_seconds_sum', done)).toBeGreaterThan(0);
    expect(metricValue(text, 'ids_queue_job_duration_seconds_count', { queue: 'flow-import', outcome: 'failed' })).toBeUndefined();
    for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(metricValue(text, 'ids_queue_jobs', { queue: 'flow-import', state })).toBe(0);
    // every queue is reported, idle or not (its count depends on the webhooks other specs have registered)
    expect(metricValue(text, 'ids_queue_jobs', { queue: 'webhooks', state: 'waiting' })).toEqual(expect.any(Number));
  });

  it('counts committed flows by route and alerts by outcome, and times the inference and persist stages', async () => {
    const key = await createApiKey(app);
    const rows = await readFixtureRows();
    const ddos = rows.filter((r) => r.label === 'DDoS').slice(0, 5);
    const benign = rows.filter((r) => r.label === 'BENIGN').slice(0, 20);
    const tag = randomUUID().slice(0, 8);
    // the DDoS flows share one source and victim: one alert, raised by the first batch and folded into by the second
    const flows = [...ddos, ...benign].map((r, i) => sensorFlow(r, i, { flowId: `m-${tag}-${i}`, srcIp: i < ddos.length ? '198.18.77.1' : `198.18.78.${i}`, dstIp: '198.19.77.7' }));
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload });

    const before = await scrape();
    const first = await post({ flows });
    const second = await post({ flows: flows.slice(0, ddos.length).map((f) => ({ ...f, flow_id: `${f.flow_id}-again` })) });
    const refused = await post({ flows: [{ ...flows[0], src_ip: 'not-an-address' }] });
    const after = await scrape();
    expect([first.statusCode, second.statusCode, refused.statusCode]).toEqual([200, 200, 400]);
    const delta = (name: string, labels: Record<string, string>) => (metricValue(after, name, labels) ?? 0) - (metricValue(before, name, labels) ?? 0);

    expect(delta('ids_ingest_flows_total', { source: 'batch' })).toBe(flows.length + ddos.length);
    const outcomes = [first.json(), second.json()];
    expect(second.json()).toMatchObject({ alerts_raised: 0, alerts_updated: 1 });
    expect(delta('ids_ingest_alerts_total', { outcome: 'raised' })).toBe(outcomes.reduce((n, o) => n + o.alerts_raised, 0));
    expect(delta('ids_ingest_alerts_total', { outcome: 'folded' })).toBe(outcomes.reduce((n, o) => n + o.alerts_updated, 0));
    for (const stage of ['inference', 'persist']) {
      expect([stage, delta('ids_ingest_stage_duration_seconds_count', { stage })]).toEqual([stage, 2]);
      expect(delta('ids_ingest_stage_duration_seconds_sum', { stage })).toBeGreaterThan(0);
    }
  });

  it('reports the ingest stream backlog: lengths, consumers, pending entries', async () => {
    await scrapeUntil(app, 'the stream consumer', (t) => metricValue(t, 'ids_stream_consumers') === 1);
    await redis.xadd(`${prefix}:flows:in`, '*', 'flow', '{"not": "a flow"}');
    const text = await scrapeUntil(
      app,
      'the dead-lettered entry',
      (t) => metricValue(t, 'ids_stream_length_entries', { stream: 'dead_letter' }) === 1 && metricValue(t, 'ids_stream_pending_entries') === 0,
    );
    expect(metricValue(text, 'ids_stream_length_entries', { stream: 'ingest' })).toBe(1);
    expect(metricValue(text, 'ids_stream_lag_entries')).toBe(0);
  });
});
