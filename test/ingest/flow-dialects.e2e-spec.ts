import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FEATURE_SPELLINGS, FlowRow } from '../../src/core/features';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';
import { FIXTURES, readFixtureRows } from '../utils/fixtures';

/** JSON `features` keyed by another dialect's names reach the same feature vector as the CSV reader's. */
describe('ingest of flows in every CICFlowMeter dialect (POST /flows/batch)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  const improved = readFileSync(join(FIXTURES, 'cicids2017-improved-sample.csv'), 'utf8').split('\r\n').filter(Boolean);
  const header = improved[0].split(',');

  const post = (flows: unknown[]) =>
    app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload: { flows } });
  const stored = async (flowIds: string[]): Promise<Map<string, number[]>> => {
    const rows: { flow_id: string; raw_features: number[] }[] = await db.query(
      `SELECT flow_id, raw_features FROM flows WHERE flow_id = ANY($1)`,
      [flowIds],
    );
    return new Map(rows.map((r) => [r.flow_id, r.raw_features.map(Number)]));
  };
  const json = (v: number) => (Number.isNaN(v) ? null : v === Infinity ? 'Infinity' : v);

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('takes features keyed by the corrected meter names (its extras and identity columns included)', async () => {
    const rows: FlowRow[] = await readFixtureRows(join(FIXTURES, 'cicids2017-improved-sample.csv'));
    const flows = improved.slice(1, 41).map((line, i) => ({
      flow_id: `corrected-${i}`,
      features: Object.fromEntries(line.split(',').map((cell, c) => [header[c], cell])),
    }));
    const res = await post(flows);
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(40);
    const vectors = await stored(flows.map((f) => f.flow_id));
    flows.forEach((f, i) => expect([i, vectors.get(f.flow_id)]).toEqual([i, Array.from(rows[i].features)]));
    // the first row is UDP: the meter's 0 windows are stored as the model's -1
    expect(vectors.get('corrected-0')?.slice(66, 68)).toEqual([-1, -1]);
  });

  it('takes features keyed by the CICFlowMeter-V4 / CSE-CIC-IDS2018 names', async () => {
    const rows = (await readFixtureRows()).slice(0, 20);
    const flows = rows.map((row, i) => ({
      flow_id: `v4-${i}`,
      features: Object.fromEntries(
        FEATURE_SPELLINGS.filter(([canonical]) => canonical !== 'Fwd Header Length.1').map(([, , v4], f) => [
          v4,
          json(row.features[f < 55 ? f : f + 1]),
        ]),
      ),
    }));
    const res = await post(flows);
    expect(res.statusCode).toBe(200);
    const vectors = await stored(flows.map((f) => f.flow_id));
    rows.forEach((row, i) => {
      const expected = Array.from(row.features).map((v) => (Number.isNaN(v) ? null : v));
      expect([i, vectors.get(`v4-${i}`)?.map((v) => (Number.isNaN(v) ? null : v))]).toEqual([i, expected]);
    });
  });

  it('names the missing features of a record in another dialect', async () => {
    const features = Object.fromEntries(improved[1].split(',').map((cell, c) => [header[c], cell]));
    delete features['Total Fwd Packet'];
    const res = await post([{ features }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'flows[0].features.Total Fwd Packet', reason: 'missing' }]);
  });
});

describe('external verdicts with labels in any spelling (POST /inference/process)', () => {
  let app: NestFastifyApplication;
  let key: string;
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/api/v1/inference/process', headers: { 'x-api-key': key }, payload });

  beforeAll(async () => {
    app = await createTestApp();
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('stores the canonical class, and an attempted attack as normal traffic', async () => {
    const base = { prediction: 'attack', confidence: 0.95, src_ip: '198.18.70.1', dst_ip: '198.19.0.70' };
    const scan = await post({ ...base, attack_type: 'Infiltration \u2013 Portscan' });
    expect(scan.json()).toMatchObject({ status: 'alert_created' });
    const [alert] = await app.get(DataSource).query(`SELECT attack_type, risk_level FROM alerts WHERE id = $1`, [scan.json().alert_id]);
    expect(alert).toEqual({ attack_type: 'Infiltration PortScan', risk_level: 'critical' });
    expect((await post({ ...base, attack_type: 'FTP-Patator - Attempted' })).json()).toMatchObject({ status: 'normal_traffic', alert_id: null });
  });
});
