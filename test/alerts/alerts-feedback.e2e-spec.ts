import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AlertStatus } from '../../src/alerts/alert.entity';
import { ATTACK_TAXONOMY } from '../../src/core/features/attack-taxonomy';
import { FEATURE_NAMES } from '../../src/core/features/feature-names';
import { FlowCsvReader, FlowRow } from '../../src/core/features/flow-csv-reader';
import { Role } from '../../src/core/permissions';
import { createAlert, createAlertWithFlow, featureVector } from '../utils/alert-factory';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUserSession, Session } from '../utils/factories';

/** The published header of the MachineLearningCVE files (first line of the dataset's CSVs). */
const DATASET_HEADER =
  ' Destination Port, Flow Duration, Total Fwd Packets, Total Backward Packets,Total Length of Fwd Packets, Total Length of Bwd Packets, ' +
  'Fwd Packet Length Max, Fwd Packet Length Min, Fwd Packet Length Mean, Fwd Packet Length Std,Bwd Packet Length Max, Bwd Packet Length Min, ' +
  'Bwd Packet Length Mean, Bwd Packet Length Std,Flow Bytes/s, Flow Packets/s, Flow IAT Mean, Flow IAT Std, Flow IAT Max, Flow IAT Min,' +
  'Fwd IAT Total, Fwd IAT Mean, Fwd IAT Std, Fwd IAT Max, Fwd IAT Min,Bwd IAT Total, Bwd IAT Mean, Bwd IAT Std, Bwd IAT Max, Bwd IAT Min,' +
  'Fwd PSH Flags, Bwd PSH Flags, Fwd URG Flags, Bwd URG Flags, Fwd Header Length, Bwd Header Length,Fwd Packets/s, Bwd Packets/s, ' +
  'Min Packet Length, Max Packet Length, Packet Length Mean, Packet Length Std, Packet Length Variance,FIN Flag Count, SYN Flag Count, ' +
  'RST Flag Count, PSH Flag Count, ACK Flag Count, URG Flag Count, CWE Flag Count, ECE Flag Count, Down/Up Ratio, Average Packet Size, ' +
  'Avg Fwd Segment Size, Avg Bwd Segment Size, Fwd Header Length.1,Fwd Avg Bytes/Bulk, Fwd Avg Packets/Bulk, Fwd Avg Bulk Rate, ' +
  'Bwd Avg Bytes/Bulk, Bwd Avg Packets/Bulk,Bwd Avg Bulk Rate,Subflow Fwd Packets, Subflow Fwd Bytes, Subflow Bwd Packets, ' +
  'Subflow Bwd Bytes,Init_Win_bytes_forward, Init_Win_bytes_backward, act_data_pkt_fwd, min_seg_size_forward,Active Mean, Active Std, ' +
  'Active Max, Active Min,Idle Mean, Idle Std, Idle Max, Idle Min, Label';

describe('analyst feedback and its export', () => {
  let app: NestFastifyApplication;
  let analyst: Session;
  let admin: Session;
  const call = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object, token = analyst.access_token) =>
    app.inject({ method, url: `/api/v1/alerts${url}`, headers: bearer(token), payload });
  const examplesOf = (alertId: string) =>
    app.get(DataSource).query(`SELECT * FROM feedback_examples WHERE alert_id = $1 ORDER BY id`, [alertId]);
  const investigatingWithFlow = (seed: number, flow = {}) =>
    createAlertWithFlow(app, { status: AlertStatus.INVESTIGATING, modelVersion: 'm-1' }, { rawFeatures: featureVector(seed), ...flow });

  beforeAll(async () => {
    app = await createTestApp();
    analyst = (await createUserSession(app, Role.SECURITY)).session;
    admin = (await createUserSession(app, Role.ADMIN)).session;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a false positive stores its flow as an example labelled BENIGN by default', async () => {
    const { alert, flow } = await investigatingWithFlow(101);
    const res = await call('PATCH', `/${alert.id}/status`, { status: 'false_positive', reason: 'backup job' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'false_positive', feedback_label: 'BENIGN', resolution_reason: 'backup job' });
    const [example] = await examplesOf(alert.id);
    expect(example).toMatchObject({
      flow_id: flow.id,
      label: 'BENIGN',
      predicted_label: 'DDoS',
      model_version: 'test-model',
      raw_features: featureVector(101),
      created_by: analyst.user.id,
    });
    const [entry] = (await call('GET', `/${alert.id}`)).json().timeline;
    expect(entry.data).toEqual({ label: 'BENIGN', feedback_example_id: example.id });
  });

  it('takes the right class as label (validated against the attack types)', async () => {
    const { alert } = await investigatingWithFlow(102);
    expect((await call('PATCH', `/${alert.id}/status`, { status: 'false_positive', label: 'Nope' })).statusCode).toBe(400);
    const res = await call('PATCH', `/${alert.id}/status`, { status: 'false_positive', label: 'PortScan' });
    expect(res.json().feedback_label).toBe('PortScan');
    expect((await examplesOf(alert.id)).map((e: { label: string }) => e.label)).toEqual(['PortScan']);
  });

  it.each([
    ['Web Attack \u2013 XSS', 'Web Attack XSS', 131],
    ['Web Attack - SQL Injection', 'Web Attack Sql Injection', 132],
    ['Portscan', 'PortScan', 133],
    ['Botnet', 'Bot', 134],
    ['Infiltration - Portscan', 'Infiltration PortScan', 135],
    ['FTP-Patator - Attempted', 'BENIGN', 136],
  ])('takes the label %j in any spelling the pipeline reads and stores it as %j', async (spelling, canonical, seed) => {
    const { alert } = await investigatingWithFlow(seed);
    const res = await call('PATCH', `/${alert.id}/status`, { status: 'false_positive', label: spelling });
    expect([res.statusCode, res.json().feedback_label]).toEqual([200, canonical]);
    expect((await examplesOf(alert.id)).map((e: { label: string }) => e.label)).toEqual([canonical]);
  });

  it('knows every class of the taxonomy as an attack type with the taxonomy severity', async () => {
    const rows: { name: string; severity: string }[] = await app.get(DataSource).query(`SELECT name, severity::text FROM attack_types`);
    const stored = new Map(rows.map((r) => [r.name, r.severity]));
    expect(ATTACK_TAXONOMY.map((c) => [c.name, stored.get(c.name)])).toEqual(ATTACK_TAXONOMY.map((c) => [c.name, c.severity]));
  });

  it('reopening withdraws the example and clears the label', async () => {
    const { alert } = await investigatingWithFlow(103);
    await call('PATCH', `/${alert.id}/status`, { status: 'false_positive' });
    const reopened = (await call('PATCH', `/${alert.id}/status`, { status: 'active' })).json();
    expect(reopened).toMatchObject({ status: 'active', feedback_label: null, resolution_reason: null });
    expect(await examplesOf(alert.id)).toEqual([]);
    const [entry] = (await call('GET', `/${alert.id}`)).json().timeline;
    expect(entry).toMatchObject({ from_status: 'false_positive', to_status: 'active', data: { feedback_withdrawn: true } });
  });

  it('keeps the label but stores no example when the alert has no usable flow', async () => {
    const noFlow = await createAlert(app, { status: AlertStatus.INVESTIGATING });
    expect((await call('PATCH', `/${noFlow.id}/status`, { status: 'false_positive' })).json().feedback_label).toBe('BENIGN');
    const { alert: narrow } = await investigatingWithFlow(0, { rawFeatures: [1, 2, 3] });
    expect((await call('PATCH', `/${narrow.id}/status`, { status: 'false_positive' })).statusCode).toBe(200);
    expect([...(await examplesOf(noFlow.id)), ...(await examplesOf(narrow.id))]).toEqual([]);
  });

  it('bulk false positives store one example per alert', async () => {
    const made = [await investigatingWithFlow(104), await investigatingWithFlow(105)];
    const ids = made.map((m) => m.alert.id);
    const res = await call('POST', '/bulk/status', { ids, status: 'false_positive', label: 'BENIGN' });
    expect(res.json().updated).toEqual(ids);
    for (const id of ids) expect(await examplesOf(id)).toHaveLength(1);
  });

  describe('GET /alerts/feedback/export', () => {
    let csv: string;

    beforeAll(async () => {
      const { alert } = await investigatingWithFlow(106);
      await call('PATCH', `/${alert.id}/status`, { status: 'false_positive', label: 'Web Attack Brute Force' });
      // more than two pages of the streamed export
      await app.get(DataSource).query(
        `INSERT INTO feedback_examples (label, raw_features) SELECT 'DDoS', array_fill(g::float8 + 0.5, ARRAY[78]) FROM generate_series(1, 2100) g`,
      );
      const res = await call('GET', '/feedback/export', undefined, admin.access_token);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="feedback-examples.csv"');
      csv = res.body;
    });

    it('writes the dataset header exactly, then one line per example, oldest first', async () => {
      const [header, ...rows] = parse(csv, { relax_column_count: false }) as string[][];
      expect(csv.split('\n')[0]).toBe(DATASET_HEADER);
      expect(header.map((c) => c.trim())).toEqual([...FEATURE_NAMES, 'Label']);
      const expected = featureVector(106).map(String);
      const mine = rows.find((r) => r.slice(0, 78).join() === expected.join());
      expect(mine?.[78]).toBe('Web Attack Brute Force');
      expect(mine?.[14]).toBe('Infinity');
      const [{ n }] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM feedback_examples WHERE cardinality(raw_features) = 78`);
      expect(rows).toHaveLength(n);
      const bulk = rows.filter((r) => r[0].endsWith('.5')).map((r) => Number(r[0]));
      expect(bulk).toEqual(Array.from({ length: 2100 }, (_, i) => i + 1.5));
    });

    it('is read back by the training reader with the same values and labels', async () => {
      const rows: FlowRow[] = [];
      const reader = new FlowCsvReader(Readable.from([csv]));
      for await (const row of reader.rows()) rows.push(row);
      expect(reader.stats.skipped).toBe(0);
      const byFirstValue = new Map(rows.map((r) => [r.features[0], r]));
      for (const [seed, label] of [[101, 'BENIGN'], [102, 'PortScan'], [106, 'Web Attack Brute Force']] as const) {
        const row = byFirstValue.get(featureVector(seed)[0]);
        expect([seed, row?.label]).toEqual([seed, label]);
        expect(Array.from(row!.features)).toEqual(featureVector(seed));
      }
      expect(byFirstValue.has(featureVector(103)[0])).toBe(false); // withdrawn on reopen
    });

    it('requires system_config: analysts get 403', async () => {
      expect((await call('GET', '/feedback/export')).statusCode).toBe(403);
    });
  });
});
