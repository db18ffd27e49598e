import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { ModelClassifier } from '../../src/inference/model-classifier';
import { EVE_FEATURE_NAMES, projectToEve } from '../../src/core/features/eve-projection';
import { FEATURE_NAMES, FlowRow } from '../../src/core/features';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, login } from '../utils/factories';
import { FIXTURES, featuresOf, readFixtureRows, sensorFlow } from '../utils/fixtures';
import { metricValue } from '../utils/prometheus-text';

jest.setTimeout(120_000);

/**
 * Real Suricata eve.json files, every event line as the sensor wrote it (provenance and what was left out in
 * test/fixtures/suricata-eve-README.md): a lab VM's interface (DNS, DHCP, NTP, ICMPv6), and a Windows domain
 * (MIT-licensed; DNS, DHCP, NTP, Kerberos, SMB, TLS, no IPv6).
 */
const EVE_FILE = join(FIXTURES, 'suricata-lab-eve.json');
const DOMAIN_EVE_FILE = join(FIXTURES, 'suricata-windows-domain-eve.json');
const WATCHED = ['dns', 'dhcp', 'ntp', 'icmpv6'] as const;
const EVE_COVERAGE = EVE_FEATURE_NAMES.length / FEATURE_NAMES.length;

interface EveEvent {
  event_type: string;
  flow_id?: number;
  proto?: string;
  app_proto?: string;
  dest_port?: number;
}

/** The service a flow event belongs to, for the ones the acceptance bound is about. */
function serviceOf(e: EveEvent): 'dns' | 'dhcp' | 'ntp' | 'icmpv6' | null {
  if (e.proto?.toUpperCase() === 'IPV6-ICMP') return 'icmpv6';
  if (e.app_proto === 'dns' || e.dest_port === 53 || e.dest_port === 5353) return 'dns';
  if (e.app_proto === 'dhcp' || e.dest_port === 67 || e.dest_port === 68 || e.dest_port === 547) return 'dhcp';
  if (e.app_proto === 'ntp' || e.dest_port === 123) return 'ntp';
  return null;
}

interface FlowView {
  id: string;
  flow_id: string | null;
  label: string | null;
  confidence: number | null;
  model: string | null;
  model_version: string | null;
  feature_coverage: number | null;
  unsupported_label: string | null;
  alert_id: string | null;
}

/** A row reduced to what an EVE flow record gives, keyed by name as the ingest API takes features. */
const eveOnlyFeatures = (row: FlowRow) => featuresOf({ ...row, features: projectToEve(row.features) });

describe('EVE model: verdicts that know what the sensor can see', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let token: string;
  let rows: FlowRow[];

  const post = (url: string, payload: unknown, target = app) =>
    target.inject({ method: 'POST', url: `/api/v1${url}`, headers: { 'x-api-key': key }, payload: payload as object });

  /** Every flow of a source through GET /api/v1/flows, following the cursor. */
  async function listFlows(source: string): Promise<FlowView[]> {
    const out: FlowView[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `source=${source}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await app.inject({ method: 'GET', url: `/api/v1/flows?${query}`, headers: bearer(token) });
      expect(res.statusCode).toBe(200);
      out.push(...res.json().items);
      cursor = res.json().meta.next_cursor;
    } while (cursor);
    return out;
  }

  /** Posts an eve.json as-is with `apiKey` and reads back its flows through GET /api/v1/flows?source=eve. */
  async function postEveFile(file: string, apiKey: string) {
    const body = readFileSync(file, 'utf8');
    const events = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EveEvent);
    // flow ids as written (JavaScript numbers would round the larger ones)
    const ids = [...body.matchAll(/"flow_id":(\d+),[^\n]*?"event_type":"flow"/g)].map((m) => m[1]);
    const flowEvents = events.filter((e) => e.event_type === 'flow');
    expect(ids).toHaveLength(flowEvents.length);
    const services = new Map(flowEvents.map((e, i) => [ids[i], serviceOf(e)]));

    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest/eve',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/x-ndjson' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    const result = res.json();
    expect(result.events.flow).toBe(flowEvents.length);
    expect(result.models).toEqual([{ model: 'eve', version: app.get(ModelClassifier).eveVersion, flows: flowEvents.length }]);

    const classified = (await listFlows('eve')).filter((f) => f.label !== null && services.has(f.flow_id ?? ''));
    expect(classified).toHaveLength(flowEvents.length);
    const watched = classified.filter((f) => services.get(f.flow_id!) !== null);
    /** Share of a service's flows with an attack label (any label but BENIGN, `Anomaly` included). */
    const share = (service: string) => {
      const of = watched.filter((f) => services.get(f.flow_id!) === service);
      return of.length ? of.filter((f) => f.label !== 'BENIGN').length / of.length : 0;
    };
    return { events, ids, flowEvents, services, classified, watched, share };
  }

  /** Suricata's own alert events stay alerts of their own kind: no model, no verdict on their flow rows. */
  async function expectSuricataAlertsUntouched(apiKey: string, events: EveEvent[]) {
    // this sensor's rows only: other spec files post Suricata events into the same database
    const [{ id: sensorId }] = await db.query(`SELECT id FROM api_keys WHERE prefix = $1`, [apiKey.split('_')[1]]);
    const suricata = await db.query(
      `SELECT details, model_version FROM alerts WHERE source = 'suricata'
          AND id IN (SELECT alert_id FROM flows WHERE source = 'eve' AND sensor_id = $1)`,
      [sensorId],
    );
    expect(suricata.length).toBeGreaterThan(0);
    for (const a of suricata) expect(a).toMatchObject({ model_version: null, details: expect.not.objectContaining({ model: expect.anything() }) });
    const alertRows = await db.query(
      `SELECT count(*)::int AS n FROM flows WHERE source = 'eve' AND sensor_id = $1 AND predicted_label IS NULL AND model IS NULL`,
      [sensorId],
    );
    expect(alertRows[0].n).toBe(events.filter((e) => e.event_type === 'alert').length);
  }

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    key = await createApiKey(app);
    token = (await login(app, await createUser(app, { role: Role.SECURITY }))).access_token;
    rows = await readFixtureRows();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the shipped EVE model beside the full one', () => {
    const classifier = app.get(ModelClassifier);
    expect(classifier.eveVersion).toMatch(/^mlp-/);
    expect(classifier.eveVersion).not.toBe(classifier.modelVersion);
  });

  /**
   * Issue 17: of the DNS, DHCP, NTP and ICMPv6 flows of a real eve.json, at most 2 % get an attack label (any label
   * but BENIGN, `Anomaly` included). The network alone gives 9 of 143 (unanswered ICMPv6 solicitations and DHCP
   * retries, which neither training file has): the training-support rule sets those classes aside (docs/eve-model.md).
   */
  it('scores the DNS, DHCP, NTP and ICMPv6 flows of a real eve.json with the EVE model, without web attacks', async () => {
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const { events, ids, flowEvents, services, classified, watched, share } = await postEveFile(EVE_FILE, key);
    expect(watched.length).toBeGreaterThanOrEqual(100);
    const attacks = watched.filter((f) => f.label !== 'BENIGN');
    expect(attacks.filter((f) => f.label!.startsWith('Web Attack'))).toEqual([]);
    for (const service of WATCHED) {
      expect(watched.some((f) => services.get(f.flow_id!) === service)).toBe(true);
      expect(share(service)).toBeLessThanOrEqual(0.02);
    }
    expect(attacks.length / watched.length).toBeLessThanOrEqual(0.02);
    // the classes set aside are on the record: ICMPv6 (no training row at all) and UDP services the port scan's
    // dozen UDP probes cannot speak for
    const setAside = watched.filter((f) => f.unsupported_label !== null);
    expect(setAside.length).toBeGreaterThanOrEqual(6);
    for (const f of setAside) expect(f).toMatchObject({ label: 'BENIGN', unsupported_label: expect.not.stringMatching(/^BENIGN$/) });
    expect(setAside.filter((f) => services.get(f.flow_id!) === 'icmpv6').length).toBeGreaterThan(0);
    // and counted per set-aside class
    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const counted = (text: string, label: string) => metricValue(text, 'ml_unsupported_verdicts_total', { class: label, model: 'eve' }) ?? 0;
    for (const label of new Set(setAside.map((f) => f.unsupported_label!))) {
      const flows = classified.filter((f) => f.unsupported_label === label).length;
      expect(counted(after, label) - counted(before, label)).toBe(flows);
    }
    // TCP flows keep every class the training data showed on TCP: nothing is set aside among them
    const tcp = new Set(flowEvents.flatMap((e, i) => (e.proto === 'TCP' ? [ids[i]] : [])));
    expect(classified.filter((f) => tcp.has(f.flow_id!) && f.unsupported_label !== null)).toEqual([]);
    for (const f of classified) {
      expect(f).toMatchObject({ model: 'eve', model_version: app.get(ModelClassifier).eveVersion });
      // 38 of 78 features; 4 fewer (the rates) for a flow of zero duration
      expect([EVE_COVERAGE, EVE_COVERAGE - 4 / 78].some((c) => Math.abs(f.feature_coverage! - c) < 1e-6)).toBe(true);
    }
    await expectSuricataAlertsUntouched(key, events);
  });

  it('holds the DNS, DHCP and NTP flows of a second, openly licensed eve.json to the same bound', async () => {
    const domainKey = await createApiKey(app);
    const { events, services, watched, share } = await postEveFile(DOMAIN_EVE_FILE, domainKey);
    expect(watched.length).toBeGreaterThanOrEqual(250);
    for (const service of ['dns', 'dhcp', 'ntp']) {
      expect(watched.some((f) => services.get(f.flow_id!) === service)).toBe(true);
      expect(share(service)).toBeLessThanOrEqual(0.02);
    }
    expect(watched.filter((f) => f.label !== 'BENIGN').length / watched.length).toBeLessThanOrEqual(0.02);
    await expectSuricataAlertsUntouched(domainKey, events);
  });

  it('scores a complete CIC flow with the full model and a low-coverage flow with the EVE model, and records both', async () => {
    const row = rows.find((r) => r.label === 'BENIGN' && r.features[1] > 0 && r.features.every((v) => !Number.isNaN(v)))!;
    const full = sensorFlow(row, 0, { flowId: 'select-full', srcIp: '198.18.40.1' });
    const low = { ...sensorFlow(row, 1, { flowId: 'select-eve', srcIp: '198.18.40.2' }), features: eveOnlyFeatures(row) };
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;

    const res = await post('/flows/batch', { flows: [full, low] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const classifier = app.get(ModelClassifier);
    expect(body.flows[0]).toMatchObject({ model: 'full', feature_coverage: 1 });
    expect(body.flows[1]).toMatchObject({ model: 'eve' });
    expect(body.flows[1].feature_coverage).toBeCloseTo(EVE_COVERAGE, 5);
    expect(body.models).toEqual(
      expect.arrayContaining([
        { model: 'full', version: classifier.modelVersion, flows: 1 },
        { model: 'eve', version: classifier.eveVersion, flows: 1 },
      ]),
    );

    const stored = await db.query(`SELECT flow_id, model, model_version, feature_coverage FROM flows WHERE flow_id IN ('select-full', 'select-eve') ORDER BY flow_id`);
    expect(stored).toEqual([
      { flow_id: 'select-eve', model: 'eve', model_version: classifier.eveVersion, feature_coverage: expect.closeTo(EVE_COVERAGE, 5) },
      { flow_id: 'select-full', model: 'full', model_version: classifier.modelVersion, feature_coverage: 1 },
    ]);
    const detail = await app.inject({ method: 'GET', url: `/api/v1/flows/${body.flows[1].id}`, headers: bearer(token) });
    expect(detail.json()).toMatchObject({ model: 'eve', model_version: classifier.eveVersion });

    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const label = body.flows[1].label as string;
    const counted = (text: string) => metricValue(text, 'ml_predictions_total', { class: label, model: 'eve' }) ?? 0;
    expect(counted(after) - counted(before)).toBeGreaterThanOrEqual(1);
  });

  it('raises alerts from low-coverage flows only at the higher confidence, with the model in the evidence', async () => {
    const attacks = rows.filter((r) => r.label !== 'BENIGN');
    const lowFlow = (row: FlowRow, i: number, subnet: number) => ({
      ...sensorFlow(row, i, { flowId: `bar-${subnet}-${i}`, srcIp: `198.18.${subnet}.${(i % 250) + 1}` }),
      features: eveOnlyFeatures(row),
    });
    // with no bar, every attack verdict of the EVE model raises an alert
    const open = await createTestApp({ LOW_COVERAGE_ALERT_MIN_CONFIDENCE: '0' });
    let bar: number;
    try {
      const res = await post('/flows/batch', { flows: attacks.map((r, i) => lowFlow(r, i, 50)) }, open);
      const verdicts: FlowView[] = res.json().flows.filter((f: FlowView) => f.label !== 'BENIGN');
      expect(verdicts.length).toBeGreaterThan(4);
      for (const f of verdicts) expect(f.alert_id).not.toBeNull();
      const confidences = [...new Set(verdicts.map((f) => f.confidence!))].sort((a, b) => a - b);
      expect(confidences.length).toBeGreaterThan(1);
      bar = (confidences[0] + confidences[confidences.length - 1]) / 2;
    } finally {
      await open.close();
    }

    const strict = await createTestApp({ LOW_COVERAGE_ALERT_MIN_CONFIDENCE: String(bar.toFixed(6)) });
    try {
      const res = await post('/flows/batch', { flows: attacks.map((r, i) => lowFlow(r, i, 51)) }, strict);
      const verdicts: FlowView[] = res.json().flows.filter((f: FlowView) => f.label !== 'BENIGN');
      const above = verdicts.filter((f) => f.confidence! >= Number(bar.toFixed(6)));
      expect(above.length).toBeGreaterThan(0);
      expect(above.length).toBeLessThan(verdicts.length);
      for (const f of verdicts) expect(f.alert_id !== null).toBe(above.includes(f));

      // a complete flow is held to no such bar: the full model's attack verdicts raise alerts as before
      const fullRes = await post('/flows/batch', { flows: attacks.map((r, i) => sensorFlow(r, i, { flowId: `bar-full-${i}`, srcIp: `198.18.52.${(i % 250) + 1}` })) }, strict);
      const fullAttacks: FlowView[] = fullRes.json().flows.filter((f: FlowView) => f.label !== 'BENIGN');
      expect(fullAttacks.length).toBeGreaterThan(4);
      for (const f of fullAttacks) expect(f).toMatchObject({ model: 'full', alert_id: expect.any(String) });
    } finally {
      await strict.close();
    }

    const [alert] = await db.query(`SELECT model_version, details FROM alerts WHERE src_ip <<= '198.18.51.0/24' AND source = 'model' LIMIT 1`);
    expect(alert).toMatchObject({
      model_version: app.get(ModelClassifier).eveVersion,
      details: { model: 'eve', model_version: app.get(ModelClassifier).eveVersion, feature_coverage: expect.closeTo(EVE_COVERAGE, 5) },
    });
  });
});
