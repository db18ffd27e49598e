import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { ApiKeysService } from '../../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../../src/common/auth/principal';
import { Role } from '../../src/core/permissions';
import { asyncApiValidator } from '../utils/asyncapi-validator';
import { createDatabase, dropDatabase, runMigrations, testRedisPrefix, uniqueName } from '../setup/test-database';
import { startTestServer } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';
import { FIXTURES, featuresOf, readFixtureRows } from '../utils/fixtures';
import { metricValue } from '../utils/prometheus-text';

/** A small model trained on rows of the original CIC-IDS2017 extraction only (see test/fixtures/drift/README.md). */
const MODEL = join(FIXTURES, 'drift', 'model-original');
/** Held-out rows of the same extraction, and rows of the corrected one (both never seen by the model). */
const ORIGINAL = join(FIXTURES, 'drift', 'original-heldout.csv');
const CORRECTED = join(FIXTURES, 'drift', 'corrected-heldout.csv');
const WINDOW_SECONDS = 20;

interface SensorDrift {
  sensor: string;
  flows: number;
  out_of_domain_flows: number;
  out_of_domain_ratio: number | null;
  feature_coverage: number | null;
  evaluated: boolean;
  drifting: boolean;
  since: string | null;
  reasons: string[];
}
interface DriftEvent {
  event: string;
  payload: { sensor: string; state: string; reasons: string[]; flows: number; out_of_domain_ratio: number; model_version: string };
}

/** Sensor and state of each event, in a fixed order. */
const states = (events: DriftEvent[] | string[][]) =>
  events.map((e) => (Array.isArray(e) ? e.join(' ') : `${e.payload.sensor} ${e.payload.state}`)).sort();

describe('model drift alarm', () => {
  // a database of its own: the registry activates MODEL_DIR only when it holds no active model
  const dbName = uniqueName('ids_drift');
  let app: NestFastifyApplication;
  let url: string;
  let viewer: Session;
  let socket: Socket | undefined;
  /** `model_drift` events a dashboard connected as a viewer received. */
  const received: DriftEvent['payload'][] = [];

  const status = async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/inference/model-status', headers: bearer(viewer.access_token) });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const sensor = (drift: { sensors: SensorDrift[] }, id: string) => drift.sensors.find((s) => s.sensor === id);
  const driftEvents = async (): Promise<DriftEvent[]> => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/events?since=0&limit=500', headers: bearer(viewer.access_token) });
    expect(res.statusCode).toBe(200);
    return (res.json() as DriftEvent[]).filter((e) => e.event === 'model_drift');
  };
  const newSensor = async () => {
    const { key, secret } = await app.get(ApiKeysService).create(SYSTEM_ACTOR, `drift-${Math.random().toString(36).slice(2, 8)}`, null);
    return { id: key.id, secret };
  };
  const post = async (secret: string, csv: string) => {
    const rows = await readFixtureRows(csv);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/flows/batch',
      headers: { 'x-api-key': secret },
      payload: { flows: rows.map((r) => ({ features: featuresOf(r) })) },
    });
    expect(res.statusCode).toBe(200);
    return rows.length;
  };

  beforeAll(async () => {
    const dbUrl = await createDatabase(dbName);
    await runMigrations(dbUrl);
    ({ app, url } = await startTestServer({
      DATABASE_URL: dbUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('-drift'),
      MODEL_DIR: MODEL,
      MODEL_DRIFT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      MODEL_DRIFT_MIN_FLOWS: '100',
    }));
    viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
    socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token: viewer.access_token }, reconnection: false });
    socket.on('model_drift', (e: DriftEvent['payload']) => received.push(e));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
  }, 60_000);
  afterAll(async () => {
    socket?.close();
    await app?.close();
    await dropDatabase(dbName);
  });

  it('stays silent for held-out rows of the extraction the model was trained on', async () => {
    const before = await status();
    expect(before.version).toMatch(/^mlp-/);
    expect(before.drift).toMatchObject({
      window_seconds: WINDOW_SECONDS,
      thresholds: { min_flows: 100, out_of_domain_fire: 0.05, out_of_domain_clear: 0.03, coverage_fire: 0.9, coverage_clear: 0.95 },
      boundary: { quantile: 0.99, source: 'training-quantile' },
      overall: { flows: 0, drifting: false, evaluated: false },
      sensors: [],
    });

    const own = await newSensor();
    const sent = await post(own.secret, ORIGINAL);
    const { drift } = await status();
    const mine = sensor(drift, own.id)!;
    expect(mine).toMatchObject({ flows: sent, evaluated: true, drifting: false, since: null, reasons: [] });
    expect(mine.out_of_domain_ratio).toBeLessThan(0.03);
    expect(mine.feature_coverage).toBe(1);
    expect(drift.overall).toMatchObject({ flows: sent, drifting: false });
    expect(await driftEvents()).toEqual([]);
    expect(received).toEqual([]);

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricValue(metrics, 'ids_model_drift_alarm_status', { sensor: own.id })).toBe(0);
    expect(metricValue(metrics, 'ids_model_drift_window_flows', { sensor: own.id })).toBe(sent);
    expect(metricValue(metrics, 'ids_model_drift_out_of_domain_ratio', { sensor: own.id })).toBe(mine.out_of_domain_ratio);
    expect(metricValue(metrics, 'ids_model_drift_feature_coverage_ratio', { sensor: 'all' })).toBe(1);
  });

  it('fires for rows of the other extraction, on that sensor and overall, and clears once the window empties', async () => {
    const quiet = (await status()).drift.sensors[0] as SensorDrift;
    const other = await newSensor();
    const sent = await post(other.secret, CORRECTED);

    const { drift, version } = await status();
    const drifted = sensor(drift, other.id)!;
    expect(drifted).toMatchObject({ flows: sent, evaluated: true, drifting: true, reasons: ['out_of_domain'] });
    expect(drifted.out_of_domain_ratio).toBeGreaterThanOrEqual(0.05);
    expect(Date.parse(drifted.since!)).not.toBeNaN();
    expect(sensor(drift, quiet.sensor)).toMatchObject({ drifting: false });
    expect(drift.overall).toMatchObject({ drifting: true, reasons: ['out_of_domain'] });

    const fired = await driftEvents();
    expect(states(fired)).toEqual(states([['all', 'firing'], [other.id, 'firing']]));
    expect(fired.find((e) => e.payload.sensor === other.id)!.payload).toMatchObject({
      reasons: ['out_of_domain'],
      flows: sent,
      out_of_domain_ratio: drifted.out_of_domain_ratio,
      model_version: version,
    });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricValue(metrics, 'ids_model_drift_alarm_status', { sensor: other.id })).toBe(1);
    expect(metricValue(metrics, 'ids_model_drift_alarm_status', { sensor: quiet.sensor })).toBe(0);

    // no more flows: the window empties and the alarm clears (the monitor sweeps every tenth of the window)
    const deadline = Date.now() + (WINDOW_SECONDS + 10) * 1000;
    let events = fired;
    while (events.length < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      events = await driftEvents();
    }
    expect(states(events.slice(2))).toEqual(states([['all', 'cleared'], [other.id, 'cleared']]));
    // the connected dashboard got the same four events, as they happened (each is logged, then sent)
    for (let i = 0; i < 20 && received.length < events.length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received.map((e) => `${e.sensor} ${e.state}`)).toEqual(events.map((e) => `${e.payload.sensor} ${e.payload.state}`));
    // and each matches the message of asyncapi.json
    const validate = asyncApiValidator();
    expect(received.flatMap((e) => validate('model_drift', e))).toEqual([]);
    expect((await status()).drift).toMatchObject({ overall: { flows: 0, drifting: false }, sensors: [] });
  }, WINDOW_SECONDS * 1000 + 60_000);
});
