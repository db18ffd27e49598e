import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FlowPartitionsService } from '../../src/flows/flow-partitions.service';
import { FlowRow } from '../../src/core/features';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';

/** No other spec sends to it: the alerts of these flows fold nothing else in. */
const DESTINATION = '198.19.233.1';

describe('ingest with an Idempotency-Key', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let otherKey: string;
  let rows: FlowRow[];
  const run = randomUUID().slice(0, 8);
  const attackRow = () => rows.findIndex((r) => r.label === 'DDoS');

  /**
   * A batch with one attack flow from `src` and a benign one, flow ids unique to `name`, to this spec's destination.
   */
  const batch = (name: string, src: string) => ({
    flows: [
      sensorFlow(rows[attackRow()], 1, { flowId: `idem-${run}-${name}-a`, srcIp: src, dstIp: DESTINATION }),
      sensorFlow(rows[rows.findIndex((r) => r.label === 'BENIGN')], 2, { flowId: `idem-${run}-${name}-b`, srcIp: src, dstIp: DESTINATION }),
    ],
  });
  const post = (url: string, payload: unknown, idempotencyKey?: string, apiKey = key) =>
    app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { 'x-api-key': apiKey, ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) },
      payload: payload as object,
    });
  const stored = async (name: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM flows WHERE flow_id LIKE $1`, [`idem-${run}-${name}-%`]))[0].n);
  /** Verdicts counted in the alerts the flows of `name` point to (which flows alert depends on the active model). */
  const eventCount = async (name: string) =>
    Number(
      (
        await db.query(
          `SELECT coalesce(sum(event_count), 0) AS n FROM alerts WHERE id IN (SELECT alert_id FROM flows WHERE flow_id LIKE $1)`,
          [`idem-${run}-${name}-%`],
        )
      )[0].n,
    );
  const alerting = (answer: { json(): { flows: { alert_id: string | null }[] } }) => answer.json().flows.filter((f) => f.alert_id !== null).length;

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    key = await createApiKey(app);
    otherKey = await createApiKey(app);
    rows = await readFixtureRows();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a retry with the first answer, marked, and stores nothing more', async () => {
    const body = batch('retry', '198.18.77.1');
    const first = await post('/flows/batch', body, `retry-${run}`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.json()).toMatchObject({ accepted: 2 });

    const again = await post('/flows/batch', JSON.parse(JSON.stringify(body)), `retry-${run}`);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(await stored('retry')).toBe(2);
    expect(await eventCount('retry')).toBe(alerting(first));

    // without the key, the same body is a new request
    const unkeyed = await post('/flows/batch', body);
    expect(unkeyed.statusCode).toBe(200);
    expect(await stored('retry')).toBe(4);
  });

  it('stores concurrent duplicates once and gives each the same answer', async () => {
    const body = batch('concurrent', '198.18.77.2');
    const answers = await Promise.all([1, 2, 3].map(() => post('/flows/batch', body, `concurrent-${run}`)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
    expect(await stored('concurrent')).toBe(2);
    expect(await eventCount('concurrent')).toBe(alerting(answers[0]));
  });

  it('refuses the same key with a different body (422), and keeps keys apart per sender', async () => {
    expect((await post('/flows/batch', batch('reuse', '198.18.77.3'), `reuse-${run}`)).statusCode).toBe(200);
    const reused = await post('/flows/batch', batch('reuse-other', '198.18.77.3'), `reuse-${run}`);
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED', details: [{ field: 'Idempotency-Key' }] });
    expect(await stored('reuse-other')).toBe(0);

    // another sensor's key of the same name is its own
    const other = await post('/flows/batch', batch('reuse-other', '198.18.77.3'), `reuse-${run}`, otherKey);
    expect(other.statusCode).toBe(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await stored('reuse-other')).toBe(2);
  });

  it('works on the single-flow route', async () => {
    const flow = batch('single', '198.18.77.4').flows[0];
    const first = await post('/flows', flow, `single-${run}`);
    const again = await post('/flows', flow, `single-${run}`);
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.json()).toEqual(first.json());
    expect(await stored('single')).toBe(1);
  });

  it('remembers only committed requests: a refused one can be sent again with its key', async () => {
    const bad = batch('refused', '198.18.77.5');
    (bad.flows[1] as { src_port: unknown }).src_port = 70_000;
    expect((await post('/flows/batch', bad, `refused-${run}`)).statusCode).toBe(400);
    const fixed = await post('/flows/batch', batch('refused', '198.18.77.5'), `refused-${run}`);
    expect(fixed.statusCode).toBe(200);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key with 400 naming the header, before any work', async () => {
    for (const bad of ['', 'has space', 'x'.repeat(129), 'naïve']) {
      const res = await post('/flows/batch', batch('malformed', '198.18.77.6'), bad);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
      expect(res.json().details).toEqual([{ field: 'Idempotency-Key', reason: expect.stringContaining('visible ASCII') }]);
    }
    expect(await stored('malformed')).toBe(0);
  });

  it('forgets answers after INGEST_IDEMPOTENCY_HOURS (hourly maintenance)', async () => {
    const body = batch('expired', '198.18.77.7');
    expect((await post('/flows/batch', body, `expired-${run}`)).statusCode).toBe(200);
    await db.query(`UPDATE ingest_requests SET created_at = now() - interval '25 hours' WHERE key = $1`, [`expired-${run}`]);
    const { answersPruned } = await app.get(FlowPartitionsService).maintain();
    expect(answersPruned).toBeGreaterThanOrEqual(1);
    const after = await post('/flows/batch', body, `expired-${run}`);
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(await stored('expired')).toBe(4);
  });
});
