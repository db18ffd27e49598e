import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, login } from '../utils/factories';

jest.setTimeout(20_000);

/**
 * Suricata EVE output as a sensor forwards it (written by hand after Suricata 7's eve.json, addresses from the
 * 198.18.0.0/15 benchmarking range): a short HTTP flow, a UDP flow, an SSH scan alert and a DNS query. Times are
 * a minute ago (alerts fold within the de-duplication window of their last sighting).
 */
const BASE_US = (Math.floor(Date.now() / 1000) - 60) * 1_000_000;
/** Suricata's timestamp format, `s` seconds after the base, to the microsecond. */
const at = (s: number) => {
  const us = BASE_US + Math.round(s * 1e6);
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}+0000`;
};
const iso = (s: number) => new Date(Math.floor((BASE_US + Math.round(s * 1e6)) / 1000)).toISOString();
const SAMPLE = {
  httpFlow: {
    timestamp: at(5.25), flow_id: '1459325613422394', in_iface: 'eth0', event_type: 'flow', src_ip: '198.18.200.10', src_port: 51234,
    dest_ip: '198.19.200.20', dest_port: 80, proto: 'TCP', app_proto: 'http',
    flow: { pkts_toserver: 6, pkts_toclient: 5, bytes_toserver: 520, bytes_toclient: 3120, start: at(0), end: at(4.5), age: 4, state: 'closed', reason: 'timeout', alerted: false },
    tcp: { tcp_flags: '1b', tcp_flags_ts: '1b', tcp_flags_tc: '1b', syn: true, fin: true, psh: true, ack: true, state: 'closed' },
  },
  udpFlow: {
    timestamp: at(6.25), flow_id: '2047914935487412311', in_iface: 'eth0', event_type: 'flow', src_ip: '198.18.200.11', src_port: 50123,
    dest_ip: '198.19.200.53', dest_port: 53, proto: 'UDP', app_proto: 'dns',
    flow: { pkts_toserver: 1, pkts_toclient: 1, bytes_toserver: 74, bytes_toclient: 90, start: at(5.1), end: at(5.1012), age: 0, state: 'established', reason: 'timeout', alerted: false },
  },
  sshScan: {
    timestamp: at(7.25), flow_id: '1720448801559817', in_iface: 'eth0', event_type: 'alert', src_ip: '198.18.201.66', src_port: 44321,
    dest_ip: '198.19.200.20', dest_port: 22, proto: 'TCP', direction: 'to_server',
    alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 },
    flow: { pkts_toserver: 3, pkts_toclient: 1, bytes_toserver: 222, bytes_toclient: 74, start: at(6.9) },
  },
  dns: {
    timestamp: at(8.25), flow_id: '2047914935487412311', event_type: 'dns', src_ip: '198.18.200.11', src_port: 50123, dest_ip: '198.19.200.53',
    dest_port: 53, proto: 'UDP', dns: { type: 'query', id: 4242, rrname: 'updates.example.test', rrtype: 'A', tx_id: 0 },
  },
};
/** One EVE line; flow ids are kept as strings above (a JavaScript number would round them) and written bare. */
const line = (event: object) => JSON.stringify(event).replace(/"flow_id":"(\d+)"/, '"flow_id":$1');
const ndjson = (...events: (object | string)[]) => events.map((e) => (typeof e === 'string' ? e : line(e))).join('\n') + '\n';

describe('Suricata EVE ingest (POST /ingest/eve)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;

  const post = (body: string, contentType = 'application/x-ndjson', headers: Record<string, string> = { 'x-api-key': key }) =>
    app.inject({ method: 'POST', url: '/api/v1/ingest/eve', headers: { ...headers, 'content-type': contentType }, payload: body });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params))[0].n);

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('stores flow events through the model, raises the Suricata alert with its risk, and skips the rest', async () => {
    const res = await post(ndjson(SAMPLE.httpFlow, SAMPLE.udpFlow, SAMPLE.sshScan, SAMPLE.dns));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ events: { flow: 2, alert: 1, dns: 1 }, flows_stored: 3, skipped: 1, model_version: expect.any(String) });
    expect(res.json().alerts_raised).toBeGreaterThanOrEqual(1);

    const flows = await db.query(
      `SELECT flow_id, src_ip, dst_ip, src_port, dst_port, protocol, source, predicted_label, alert_id, flow_ts, raw_features[2] AS duration,
              raw_features[3] AS fwd_packets, raw_features[15] AS bytes_per_s, raw_features[17] AS iat_mean
         FROM flows WHERE src_ip <<= '198.18.200.0/23' AND source = 'eve' ORDER BY flow_ts`,
    );
    expect(flows).toHaveLength(3);
    const [http, udp, alertFlow] = flows;
    expect(http).toMatchObject({ flow_id: '1459325613422394', src_ip: '198.18.200.10', dst_ip: '198.19.200.20', src_port: 51234, dst_port: 80, protocol: 6, duration: 4_500_000, fwd_packets: 6 });
    expect(http.predicted_label).toEqual(expect.any(String));
    expect(http.bytes_per_s).toBeCloseTo(3640 / 4.5);
    expect(http.iat_mean).toBeNaN();
    expect(http.flow_ts.toISOString()).toBe(iso(5.25));
    expect(udp).toMatchObject({ flow_id: '2047914935487412311', protocol: 17, duration: 1200 });

    const [alert] = await db.query(`SELECT * FROM alerts WHERE src_ip = '198.18.201.66' AND source = 'suricata'`);
    expect(alert).toMatchObject({
      attack_type: 'ET SCAN Potential SSH Scan',
      risk_level: 'medium',
      confidence: 1,
      event_count: 1,
      dst_ip: '198.19.200.20',
      dst_port: 22,
      protocol: 6,
      model_version: null,
      details: { signature_id: 2001219, rev: 20, category: 'Attempted Information Leak', severity: 2, action: 'allowed', suricata_flow_id: '1720448801559817' },
    });
    expect(alertFlow).toMatchObject({ alert_id: alert.id, predicted_label: null, fwd_packets: 3 });
    expect(alertFlow.duration).toBeNaN();
  });

  it('folds the same alert seen again into the open one, and maps severity 1 to high', async () => {
    const alert = { ...SAMPLE.sshScan, src_ip: '198.18.201.67', alert: { ...SAMPLE.sshScan.alert, severity: 1 } };
    const first = await post(ndjson(alert));
    expect(first.json()).toMatchObject({ events: { alert: 1 }, flows_stored: 1, alerts_raised: 1, alerts_updated: 0, model_version: null });
    const second = await post(ndjson({ ...alert, timestamp: at(9.25) }), 'application/json');
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ alerts_raised: 0, alerts_updated: 1 });
    const alerts = await db.query(`SELECT event_count, risk_level, source, last_seen FROM alerts WHERE src_ip = '198.18.201.67'`);
    expect(alerts).toEqual([expect.objectContaining({ event_count: 2, risk_level: 'high', source: 'suricata' })]);
    expect(alerts[0].last_seen.toISOString()).toBe(iso(9.25));
  });

  it('reads application/json bodies with one event per line', async () => {
    const res = await post(ndjson({ ...SAMPLE.sshScan, src_ip: '198.18.201.68' }, SAMPLE.dns, { event_type: 'stats', stats: { uptime: 60 } }), 'application/json; charset=utf-8');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ events: { alert: 1, dns: 1, stats: 1 }, skipped: 2, flows_stored: 1 });
  });

  it('refuses the whole request when a line is invalid, naming each line, and stores nothing', async () => {
    const before = await count(`SELECT count(*) AS n FROM flows WHERE source = 'eve'`);
    const { flow: _flow, ...noCounters } = SAMPLE.httpFlow;
    const res = await post(
      ndjson(
        { ...SAMPLE.sshScan, src_ip: '198.18.201.69' },
        `{"timestamp": "${at(1)}", "event_type": "flow"`,
        { ...SAMPLE.httpFlow, dest_ip: 'gateway' },
        '',
        noCounters,
        { ...SAMPLE.sshScan, alert: { signature: 'x', severity: 1 } },
        SAMPLE.dns,
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      { field: 'line 2', reason: 'is not valid JSON' },
      { field: 'line 3', reason: 'dest_ip: must be an IPv4 or IPv6 address' },
      { field: 'line 5', reason: expect.stringMatching(/^flow: is required/) },
      { field: 'line 6', reason: 'alert.signature_id: is required' },
    ]);
    expect(await count(`SELECT count(*) AS n FROM flows WHERE source = 'eve'`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM alerts WHERE src_ip = '198.18.201.69'`)).toBe(0);
    expect((await post('\n\n')).json().details).toEqual([{ field: 'body', reason: expect.stringMatching(/no EVE events/) }]);
    expect((await post('a,b\n1,2', 'text/csv')).statusCode).toBe(415);
  });

  it('is open to sensors and admins, closed to viewers and anonymous callers', async () => {
    const viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
    const admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    const body = ndjson(SAMPLE.dns);
    expect((await post(body, 'application/x-ndjson', bearer(viewer.access_token))).statusCode).toBe(403);
    expect((await post(body, 'application/x-ndjson', {})).statusCode).toBe(401);
    expect((await post(body, 'application/x-ndjson', bearer(admin.access_token))).json()).toMatchObject({ events: { dns: 1 }, flows_stored: 0 });
  });

  it('documents the route with its NDJSON body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
    const op = doc.paths['/api/v1/ingest/eve'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(expect.arrayContaining(['application/x-ndjson', 'application/json']));
    expect(op.requestBody.content['application/x-ndjson'].schema.example).toContain('"event_type":"alert"');
    expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/EveIngestResultDto/);
  });
});

describe('Suricata EVE ingest limits', () => {
  let app: NestFastifyApplication;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp({ INGEST_MAX_BATCH: '2' });
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 413 past INGEST_MAX_BATCH flow and alert events; other event types do not count', async () => {
    const inject = (body: string) => app.inject({ method: 'POST', url: '/api/v1/ingest/eve', headers: { 'x-api-key': key, 'content-type': 'application/x-ndjson' }, payload: body });
    const alerts = [1, 2, 3].map((i) => ({ ...SAMPLE.sshScan, src_ip: `198.18.202.${i}` }));
    const tooMany = await inject(ndjson(...alerts));
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().details[0]).toMatchObject({ field: 'body', reason: expect.stringMatching(/has 3 flow and alert events; the maximum is 2/) });
    expect((await inject(ndjson(alerts[0], alerts[1], SAMPLE.dns, SAMPLE.dns))).statusCode).toBe(200);
  });
});
