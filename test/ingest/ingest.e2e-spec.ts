import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../../src/alerts/alert.events';
import { Role } from '../../src/core/permissions';
import { AlertCandidate, planAlerts, raiseAlerts } from '../../src/alerts/ingest/alert-ingest.writer';
import { relinkFlows } from '../../src/flows/ingest/flow-copy.writer';
import { FlowRow } from '../../src/core/features';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, login } from '../utils/factories';
import { CIC_GENERATED_SAMPLE, featuresOf, readFixtureRows, sensorFlow } from '../utils/fixtures';

describe('ingest → alerts', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let rows: FlowRow[];
  const raised: AlertRaisedEvent[] = [];
  const updated: AlertUpdatedEvent[] = [];

  /** Each class gets its own source address, so its alerts are easy to find. */
  const flowFor = (row: FlowRow, i: number, subnet: number) =>
    sensorFlow(row, i, { flowId: `fixture-${subnet}-${i}`, srcIp: `198.18.${subnet}.${(i % 250) + 1}` });
  const post = (url: string, payload: unknown, headers: Record<string, string> = { 'x-api-key': key }) =>
    app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params))[0].n);

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    key = await createApiKey(app);
    rows = await readFixtureRows();
    app.get(EventEmitter2).on(AlertEvents.RAISED, (e: AlertRaisedEvent) => raised.push(e));
    app.get(EventEmitter2).on(AlertEvents.UPDATED, (e: AlertUpdatedEvent) => updated.push(e));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('classifies a batch of real flows, stores them and raises de-duplicated alerts with provenance', async () => {
    const ddos = rows.filter((r) => r.label === 'DDoS');
    const benign = rows.filter((r) => r.label === 'BENIGN');
    expect(ddos.length).toBeGreaterThan(3);
    // every DDoS flow comes from the same source to the same victim: one alert
    const flows = [...ddos.map((r, i) => ({ ...flowFor(r, i, 10), src_ip: '198.18.10.1' })), ...benign.map((r, i) => flowFor(r, i, 11))];
    const res = await post('/flows/batch', { flows });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(flows.length);
    expect(await count(`SELECT count(*) AS n FROM flows WHERE flow_id LIKE 'fixture-1_-%'`)).toBe(flows.length);

    const ddosVerdicts = body.flows.slice(0, ddos.length);
    expect(ddosVerdicts.filter((f: { label: string }) => f.label === 'DDoS').length).toBeGreaterThanOrEqual(ddos.length - 1);
    const benignFlagged = body.flows.slice(ddos.length).filter((f: { alert_id: string | null }) => f.alert_id !== null).length;
    expect(benignFlagged).toBeLessThanOrEqual(1);

    const alerts = await db.query(`SELECT * FROM alerts WHERE src_ip = '198.18.10.1' AND attack_type = 'DDoS'`);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert.event_count).toBe(ddosVerdicts.filter((f: { label: string }) => f.label === 'DDoS').length);
    expect(alert).toMatchObject({ status: 'active', source: 'model', dst_ip: '198.19.0.1' });
    expect(alert.model_version).toBe(body.model_version);
    expect(alert.top_probabilities[0]).toMatchObject({ label: 'DDoS' });
    expect(alert.explanation.length).toBeGreaterThan(0);
    expect(alert.flow_id).not.toBeNull();
    const [flowRow] = await db.query(`SELECT alert_id, sensor_id, array_length(raw_features, 1) AS width, predicted_label FROM flows WHERE id = $1`, [alert.flow_id]);
    expect(flowRow).toMatchObject({ alert_id: alert.id, width: 78, predicted_label: 'DDoS' });
    expect(raised.some((e) => e.alert.id === String(alert.id))).toBe(true);

    // the same storm again folds into the same alert
    const again = await post('/flows/batch', { flows: flows.slice(0, ddos.length).map((f) => ({ ...f, flow_id: `${f.flow_id}-again` })) });
    expect(again.json()).toMatchObject({ alerts_raised: 0, alerts_updated: 1 });
    const [folded] = await db.query(`SELECT event_count FROM alerts WHERE id = $1`, [alert.id]);
    expect(folded.event_count).toBeGreaterThan(alert.event_count);
  });

  it('announces a raised alert and a fold into it exactly as the alert reads afterwards', async () => {
    const viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
    const ddos = rows.filter((r) => r.label === 'DDoS');
    const flows = ddos.map((r, i) => ({ ...flowFor(r, i, 15), flow_id: `announced-${i}`, src_ip: '198.18.15.1' }));
    const first = (await post('/flows/batch', { flows })).json();
    const alertId = first.flows.find((f: { label: string }) => f.label === 'DDoS').alert_id;
    const detail = async () => (await app.inject({ method: 'GET', url: `/api/v1/alerts/${alertId}`, headers: bearer(viewer.access_token) })).json();
    const announced = raised.find((e) => e.alert.id === alertId);
    expect(announced).toBeDefined();
    expect(await detail()).toMatchObject(JSON.parse(JSON.stringify(announced!.alert)));

    await post('/flows/batch', { flows: flows.map((f) => ({ ...f, flow_id: `${f.flow_id}-again` })) });
    const fold = updated.find((e) => e.alert.id === alertId && e.change === 'deduplicated');
    expect(fold).toBeDefined();
    expect(fold!.alert.event_count).toBeGreaterThan(announced!.alert.event_count);
    expect(await detail()).toMatchObject(JSON.parse(JSON.stringify(fold!.alert)));
  });

  it('folds concurrent batches of one storm into one alert, counting every verdict', async () => {
    const ddos = rows.filter((r) => r.label === 'DDoS');
    const batches = Array.from({ length: 8 }, (_, b) => ({
      // each batch: the shared storm, plus a source of its own (a new alert per batch)
      flows: [
        ...ddos.map((r, i) => ({ ...flowFor(r, i, 12), flow_id: `storm-${b}-${i}`, src_ip: '198.18.12.1' })),
        { ...flowFor(ddos[0], 0, 13), flow_id: `own-${b}`, src_ip: `198.18.13.${b + 1}` },
      ],
    }));
    const results = await Promise.all(batches.map((body) => post('/flows/batch', body)));
    expect(results.map((r) => r.statusCode)).toEqual(batches.map(() => 200));
    const verdicts = results.flatMap((r) => r.json().flows as { label: string; alert_id: string | null }[]);
    const stormAlerts = await db.query(`SELECT id::text, event_count FROM alerts WHERE src_ip = '198.18.12.1'`);
    const stormVerdicts = verdicts.filter((v, i) => i % (ddos.length + 1) !== ddos.length && v.alert_id !== null);
    const byAlert = new Map<string, number>();
    for (const v of stormVerdicts) byAlert.set(`${v.label}`, (byAlert.get(`${v.label}`) ?? 0) + 1);
    // one alert per attack type the storm was classified as, holding every one of those verdicts
    expect(stormAlerts).toHaveLength(byAlert.size);
    expect(stormAlerts.reduce((n: number, a: { event_count: number }) => n + a.event_count, 0)).toBe(stormVerdicts.length);
    expect(new Set(stormVerdicts.map((v) => v.alert_id))).toEqual(new Set(stormAlerts.map((a: { id: string }) => a.id)));
    expect(await count(`SELECT count(*) AS n FROM alerts WHERE src_ip << '198.18.13.0/24'`)).toBe(8);
    expect(results.reduce((n, r) => n + r.json().alerts_raised, 0)).toBe(byAlert.size + 8);
    // every stored flow points at the alert its response named (flows are written before the alert is decided)
    const answered = results.flatMap((r) => r.json().flows as { id: string; alert_id: string | null }[]);
    const stored = await db.query(`SELECT id::text, alert_id::text FROM flows WHERE id = ANY($1::bigint[])`, [answered.map((f) => f.id)]);
    const storedLink = new Map(stored.map((f: { id: string; alert_id: string | null }) => [f.id, f.alert_id]));
    expect(answered.filter((f) => storedLink.get(f.id) !== f.alert_id)).toEqual([]);
  });

  it('re-points flows written with a planned alert when a concurrent batch raised that alert first', async () => {
    const ddos = rows.find((r) => r.label === 'DDoS')!;
    const receivedAt = new Date();
    const candidate = (flowId: string): AlertCandidate => ({
      attackType: 'DDoS', source: 'model', confidence: 0.9, srcIp: '198.18.14.1', dstIp: '198.19.0.1', srcPort: 1, dstPort: 80,
      protocol: 6, seenAt: receivedAt, flowId, flowReceivedAt: receivedAt, modelVersion: null, topProbabilities: null,
      explanation: null, anomalyScore: null, details: { features: ddos.features.length },
    });
    const severities = new Map([['DDoS', 'high' as const]]);
    const [a, b] = [await db.createQueryRunner(), await db.createQueryRunner()];
    const [ca, cb] = [(await a.connect()) as PoolClient, (await b.connect()) as PoolClient];
    try {
      await ca.query('BEGIN');
      await cb.query('BEGIN');
      // both plan a new alert for the same key; B raises it and commits first
      const planA = await planAlerts(ca, [candidate('9000000001'), candidate('9000000002')], severities, 300);
      const planB = await planAlerts(cb, [candidate('9000000003')], severities, 300);
      expect(planA.openIds).toEqual([null]);
      expect(planA.alertIds[0]).not.toBe(planB.alertIds[0]);
      // A writes its flows with the alert id it planned
      await ca.query(
        `INSERT INTO flows (id, received_at, source, raw_features, alert_id) SELECT id, $2, 'api', '{}', $3 FROM unnest($1::bigint[]) id`,
        [['9000000001', '9000000002'], receivedAt, planA.alertIds[0]],
      );
      const raisedB = await raiseAlerts(cb, planB);
      expect(raisedB).toMatchObject({ alertIds: [planB.alertIds[0]], relink: [] });
      await cb.query('COMMIT');
      const raisedA = await raiseAlerts(ca, planA);
      expect(raisedA.alertIds).toEqual([planB.alertIds[0], planB.alertIds[0]]);
      expect(raisedA.relink.map((r) => [r.flowId, r.alertId])).toEqual([
        ['9000000001', planB.alertIds[0]],
        ['9000000002', planB.alertIds[0]],
      ]);
      await relinkFlows(ca, raisedA.relink);
      await ca.query('COMMIT');
      const alerts = await db.query(`SELECT id::text, event_count FROM alerts WHERE src_ip = '198.18.14.1'`);
      expect(alerts).toEqual([{ id: planB.alertIds[0], event_count: 3 }]);
      const links = await db.query(`SELECT alert_id::text FROM flows WHERE id IN (9000000001, 9000000002)`);
      expect(links).toEqual([{ alert_id: planB.alertIds[0] }, { alert_id: planB.alertIds[0] }]);
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('detects the attack classes of the fixture', async () => {
    const attacks = rows.filter((r) => r.label !== 'BENIGN');
    const res = await post('/flows/batch', { flows: attacks.map((r, i) => flowFor(r, i, 20)) });
    expect(res.statusCode).toBe(200);
    const verdicts: { label: string }[] = res.json().flows;
    const right = verdicts.filter((v, i) => v.label === attacks[i].label).length;
    const flagged = verdicts.filter((v) => v.label !== 'BENIGN').length;
    expect(flagged / attacks.length).toBeGreaterThan(0.95);
    expect(right / attacks.length).toBeGreaterThan(0.85);
  });

  it('ingests one flow on the single route', async () => {
    const res = await post('/flows', flowFor(rows[0], 0, 30));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, flows: [expect.objectContaining({ flow_id: 'fixture-30-0' })] });
  });

  it('accepts features as an ordered array and the dataset spelling of names', async () => {
    const row = rows[0];
    const asArray = { ...flowFor(row, 0, 31), features: Array.from(row.features, (v) => (Number.isFinite(v) ? v : null)) };
    expect((await post('/flows', asArray)).statusCode).toBe(200);
    const spaced = Object.fromEntries(Object.entries(featuresOf(row)).map(([k, v]) => [` ${k}`, v]));
    expect((await post('/flows', { ...flowFor(row, 1, 31), features: spaced })).statusCode).toBe(200);
  });

  it('refuses bad input with the row index and field, and stores nothing of the request', async () => {
    const good = flowFor(rows[0], 0, 40);
    const before = await count(`SELECT count(*) AS n FROM flows`);
    const features = featuresOf(rows[0]);
    const { 'Flow Duration': _omit, ...missing } = features;
    const cases: [object, string, RegExp][] = [
      [{ ...good, src_ip: '999.1.1.1' }, 'flows[1].src_ip', /IPv4 or IPv6/],
      [{ ...good, dst_port: 70000 }, 'flows[1].dst_port', /0 to 65535/],
      [{ ...good, features: { ...features, 'Flow Duration': 'abc' } }, 'flows[1].features.Flow Duration', /number/],
      [{ ...good, features: { ...features, 'Not A Feature': 1 } }, 'flows[1].features.Not A Feature', /.+/],
      [{ ...good, features: missing }, 'flows[1].features.Flow Duration', /missing|required/],
      [{ ...good, features: [1, 2, 3] }, 'flows[1].features', /78/],
      [{ ...good, role: 'admin' }, 'flows[1].role', /not a known field/],
    ];
    for (const [bad, field, reason] of cases) {
      const res = await post('/flows/batch', { flows: [good, bad] });
      expect([field, res.statusCode]).toEqual([field, 400]);
      expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.stringMatching(reason) })]));
    }
    expect(await count(`SELECT count(*) AS n FROM flows`)).toBe(before);
    expect((await post('/flows/batch', { flows: [] })).json().details[0].field).toBe('flows');
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key, 'content-type': 'application/json' }, payload: '{"flows": [' });
    expect(malformed.statusCode).toBe(400);
  });

  it('is closed to viewers and anonymous callers, open to admins', async () => {
    const viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
    const admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    const flow = flowFor(rows[0], 0, 50);
    expect((await post('/flows', flow, bearer(viewer.access_token))).statusCode).toBe(403);
    expect((await post('/flows', flow, {})).statusCode).toBe(401);
    expect((await post('/flows', flow, bearer(admin.access_token))).statusCode).toBe(200);
  });

  it('accepts verdicts from an external AI service (POST /inference/process)', async () => {
    const verdict = { prediction: 'attack', attack_type: 'PortScan', confidence: 0.93, src_ip: '198.18.60.1', dst_ip: '198.19.0.9', dst_port: 22, protocol: 6, details: { detector: 'ext-1' } };
    const first = await post('/inference/process', verdict);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'alert_created', alert_id: expect.any(String) });
    const second = await post('/inference/process', verdict);
    expect(second.json()).toMatchObject({ status: 'alert_updated', alert_id: first.json().alert_id });
    const [alert] = await db.query(`SELECT * FROM alerts WHERE id = $1`, [first.json().alert_id]);
    expect(alert).toMatchObject({ source: 'external', attack_type: 'PortScan', event_count: 2, details: { detector: 'ext-1' } });
    expect((await post('/inference/process', { ...verdict, prediction: 'normal' })).json().status).toBe('normal_traffic');
    const bad = await post('/inference/process', { prediction: 'attack', confidence: 2 });
    expect(bad.statusCode).toBe(400);
    expect([...new Set(bad.json().details.map((d: { field: string }) => d.field))].sort()).toEqual(['attack_type', 'confidence']);
  });

  it('imports a CSV upload as a job with progress (84-column format with addresses)', async () => {
    const csv = readFileSync(CIC_GENERATED_SAMPLE);
    const boundary = '----ids-test-boundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="sample.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      csv,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/flows/import', headers: { 'x-api-key': key, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(res.statusCode).toBe(202);
    const jobId = res.json().job_id;
    let status = res.json();
    for (let i = 0; i < 100 && !['completed', 'failed'].includes(status.state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await app.inject({ method: 'GET', url: `/api/v1/flows/import/${jobId}`, headers: { 'x-api-key': key } })).json();
    }
    expect(status.state).toBe('completed');
    const expectedRows = csv.toString().trim().split('\n').length - 1;
    expect(status.progress).toMatchObject({ rows: expectedRows, flows_stored: expectedRows - status.progress.skipped });
    // this sensor's rows: other spec files import CSVs with addresses into the same database
    const sensor = `(SELECT id FROM api_keys WHERE prefix = '${key.split('_')[1]}')`;
    expect(await count(`SELECT count(*) AS n FROM flows WHERE source = 'csv' AND src_ip IS NOT NULL AND sensor_id = ${sensor}`)).toBe(
      status.progress.flows_stored,
    );
    const notMultipart = await post('/flows/import', { file: 'x' });
    expect(notMultipart.statusCode).toBe(415);
  });
});

describe('ingest limits', () => {
  let app: NestFastifyApplication;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp({ INGEST_MAX_BATCH: '3' });
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 413 for a batch over INGEST_MAX_BATCH', async () => {
    const rows = await readFixtureRows();
    const flows = rows.slice(0, 4).map((r) => ({ features: featuresOf(r) }));
    const res = await app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload: { flows } });
    expect(res.statusCode).toBe(413);
    expect(res.json().details[0]).toMatchObject({ field: 'flows' });
  });
});
