import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../../src/alerts/alert.events';
import { SuppressionMatcher } from '../../src/alerts/suppressions/suppression-matcher.service';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, sessionToken } from '../utils/factories';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';
import { metricValue } from '../utils/prometheus-text';

jest.setTimeout(120_000);

/** This spec's addresses: sources 198.18.213.0/24 and 198.18.214.0/24, destinations 198.19.213.0/24. */
const SRC = (host: number) => `198.18.213.${host}`;
const VICTIM = '198.19.213.10';
const OTHER_VICTIM = '198.19.213.11';

const waitFor = async (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('suppression rules', () => {
  let app: NestFastifyApplication;
  /** A second process of the deployment (same database and Redis prefix): it learns of changes over pub/sub. */
  let other: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let security: Record<string, string>;
  let viewer: Record<string, string>;
  const ruleIds: string[] = [];
  const alertEvents: string[] = [];

  const api = (a: NestFastifyApplication, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
    a.inject({ method, url: `/api/v1${url}`, headers, payload });
  /** One verdict from the external AI service, through the sensor's ingest API. */
  const verdict = (a: NestFastifyApplication, attackType: string, src: string, dst = VICTIM, dstPort = 22) =>
    api(a, 'POST', '/inference/process', { 'x-api-key': key }, {
      prediction: 'attack', attack_type: attackType, confidence: 0.95, src_ip: src, dst_ip: dst, src_port: 40000, dst_port: dstPort, protocol: 6,
    }).then((res) => {
      expect(res.statusCode).toBe(200);
      return res.json() as { status: string; flow_id: string; alert_id: string | null };
    });
  const createRule = async (body: object) => {
    const res = await api(app, 'POST', '/suppressions', security, body);
    expect(res.statusCode).toBe(201);
    ruleIds.push(res.json().id);
    return res.json();
  };
  const alertsFrom = async (src: string) => Number((await db.query(`SELECT count(*) AS n FROM alerts WHERE src_ip = $1`, [src]))[0].n);
  const suppressedMetric = async (rule: string) =>
    metricValue((await app.inject({ method: 'GET', url: '/metrics' })).body, 'ids_alerts_suppressed_total', { rule }) ?? 0;

  beforeAll(async () => {
    // no stats cache: the overview is read right after the verdicts it counts
    app = await createTestApp({ STATS_CACHE_TTL_SECONDS: '0' });
    other = await createTestApp({ STATS_CACHE_TTL_SECONDS: '0' });
    db = app.get(DataSource);
    key = await createApiKey(app);
    security = bearer(await sessionToken(app, await createUser(app, { role: Role.SECURITY })));
    viewer = bearer(await sessionToken(app, await createUser(app, { role: Role.VIEWER })));
    for (const a of [app, other]) {
      const events = a.get(EventEmitter2);
      const note = (e: AlertRaisedEvent | AlertUpdatedEvent) => alertEvents.push(`${e.alert.src_ip}>${e.alert.dst_ip}`);
      events.on(AlertEvents.RAISED, note);
      events.on(AlertEvents.UPDATED, note);
    }
  });
  afterAll(async () => {
    if (ruleIds.length) await db?.query(`DELETE FROM suppression_rules WHERE id = ANY($1::uuid[])`, [ruleIds]);
    await other?.close();
    await app?.close();
  });

  it('refuses bad input with the field and reason, an everything rule, and writes by viewers', async () => {
    const bad = async (body: object, field: string) => {
      const res = await api(app, 'POST', '/suppressions', security, { reason: 'test', ...body });
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      return res.json().details.find((d: { field: string }) => d.field === field).reason as string;
    };
    expect(await bad({ attack_type: 'PortScan', src_cidr: '198.18.213.0/33' }, 'src_cidr')).toMatch(/prefix/);
    expect(await bad({ attack_type: 'PortScan', dst_cidr: '198.19.300.1' }, 'dst_cidr')).toMatch(/ipv4/);
    await bad({ attack_type: 'PortScan', dst_port: 70000 }, 'dst_port');
    expect(await bad({ attack_type: 'PortScan', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at')).toMatch(/future/);
    expect(await bad({ attack_type: 'No Such Class Anywhere' }, 'attack_type')).toMatch(/unknown class/);
    expect(await bad({ dst_port: 22 }, 'attack_type')).toMatch(/without a class/);
    expect(await bad({ src_cidr: '0.0.0.0/0' }, 'src_cidr')).toMatch(/whole address space/);
    const several = await api(app, 'POST', '/suppressions', security, { reason: 'x', src_cidr: '198.18.213.1/40', expires_at: '2020-01-01T00:00:00Z' });
    expect(several.json().details.map((d: { field: string }) => d.field).sort()).toEqual(['expires_at', 'src_cidr']);
    const noReason = await api(app, 'POST', '/suppressions', security, { attack_type: 'PortScan' });
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json().details)).toContain('reason');

    expect((await api(app, 'POST', '/suppressions', viewer, { attack_type: 'PortScan', reason: 'x' })).statusCode).toBe(403);
    expect((await api(app, 'POST', '/suppressions/preview', viewer, { attack_type: 'PortScan' })).statusCode).toBe(403);
    expect((await api(app, 'GET', '/suppressions', viewer)).statusCode).toBe(200);
  });

  it('previews what a rule would have matched over the last 24 h, per class, without saving it', async () => {
    for (const host of [1, 2, 3]) expect((await verdict(app, 'PortScan', SRC(host))).status).toBe('alert_created');
    expect((await verdict(app, 'DDoS', SRC(4), VICTIM, 80)).status).toBe('alert_created');
    // folded into the first PortScan alert: a flow, no new alert
    expect((await verdict(app, 'PortScan', SRC(1))).status).toBe('alert_updated');

    const preview = async (body: object) => {
      const res = await api(app, 'POST', '/suppressions/preview', security, body);
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const all = await preview({ src_cidr: '198.18.213.0/24', dst_cidr: VICTIM });
    expect(all).toMatchObject({ flows: 5, alerts: 4 });
    expect(all.by_class).toEqual([
      { attack_type: 'PortScan', flows: 4, alerts: 3 },
      { attack_type: 'DDoS', flows: 1, alerts: 1 },
    ]);
    expect(all.samples).toHaveLength(5);
    expect(all.samples.every((s: { src_ip: string; dst_ip: string }) => s.src_ip.startsWith('198.18.213.') && s.dst_ip === VICTIM)).toBe(true);
    const scans = await preview({ attack_type: 'PortScan', src_cidr: '198.18.213.0/24', dst_cidr: VICTIM, dst_port: 22 });
    expect(scans).toMatchObject({ flows: 4, alerts: 3, by_class: [{ attack_type: 'PortScan', flows: 4, alerts: 3 }] });
    expect(await preview({ attack_type: 'PortScan', src_cidr: '198.18.213.0/24', dst_cidr: VICTIM, dst_port: 23 })).toMatchObject({ flows: 0, by_class: [] });
    expect(Number((await db.query(`SELECT count(*) AS n FROM suppression_rules WHERE src_cidr = '198.18.213.0/24'`))[0].n)).toBe(0);
  });

  it('stores and counts suppressed verdicts without alerting; other verdicts still alert; every process applies it', async () => {
    const rule = await createRule({ attack_type: 'PortScan', src_cidr: '198.18.213.0/25', dst_cidr: VICTIM, dst_port: 22, reason: 'Scheduled scan' });
    expect(rule).toMatchObject({ active: true, hit_count: 0, src_cidr: '198.18.213.0/25', dst_cidr: VICTIM, expires_at: null });
    const eventsBefore = alertEvents.length;

    const results = [];
    for (const host of [21, 22, 23]) results.push(await verdict(app, 'PortScan', SRC(host)));
    // an open alert of the key (198.18.213.1) takes no fold either
    results.push(await verdict(app, 'PortScan', SRC(1)));
    expect(results.map((r) => [r.status, r.alert_id])).toEqual(Array(4).fill(['alert_suppressed', null]));
    for (const host of [21, 22, 23]) expect(await alertsFrom(SRC(host))).toBe(0);
    const [folded] = await db.query(`SELECT event_count FROM alerts WHERE src_ip = $1 AND attack_type = 'PortScan'`, [SRC(1)]);
    expect(folded.event_count).toBe(2);
    const flows = await db.query(`SELECT predicted_label, alert_id, suppressed_by FROM flows WHERE id = ANY($1::bigint[])`, [results.map((r) => r.flow_id)]);
    expect(flows).toHaveLength(4);
    expect(flows.every((f: { predicted_label: string; alert_id: null; suppressed_by: string }) => f.predicted_label === 'PortScan' && f.alert_id === null && f.suppressed_by === rule.id)).toBe(true);

    // not matching: another class, another destination, another port, a source outside the /25
    expect((await verdict(app, 'DDoS', SRC(24))).status).toBe('alert_created');
    expect((await verdict(app, 'PortScan', SRC(25), OTHER_VICTIM)).status).toBe('alert_created');
    expect((await verdict(app, 'PortScan', SRC(26), VICTIM, 23)).status).toBe('alert_created');
    expect((await verdict(app, 'PortScan', SRC(200))).status).toBe('alert_created');
    const newEvents = alertEvents.slice(eventsBefore);
    // realtime and webhooks listen to these events: none for the suppressed verdicts, one per alerting one
    expect(newEvents.filter((e) => [21, 22, 23, 1].some((h) => e === `${SRC(h)}>${VICTIM}`))).toEqual([]);
    expect(newEvents).toEqual(expect.arrayContaining([`${SRC(24)}>${VICTIM}`, `${SRC(25)}>${OTHER_VICTIM}`, `${SRC(200)}>${VICTIM}`]));

    // the second process learnt of the rule over Redis and suppresses too
    await waitFor(() => other.get(SuppressionMatcher).match([{ alert: { attackType: 'PortScan', srcIp: SRC(27), dstIp: VICTIM, dstPort: 22 } }]) !== null, 'the rule in the other process');
    expect(await verdict(other, 'PortScan', SRC(27))).toMatchObject({ status: 'alert_suppressed', alert_id: null });

    const got = (await api(app, 'GET', `/suppressions/${rule.id}`, viewer)).json();
    expect(got).toMatchObject({ hit_count: 5, active: true });
    expect(Date.parse(got.last_hit_at)).toBeGreaterThan(Date.now() - 600_000);
    const stats = (await api(app, 'GET', '/suppressions/stats?hours=1', viewer)).json();
    expect(stats.by_rule).toEqual(expect.arrayContaining([{ rule_id: rule.id, suppressed: 5, last_hit_at: got.last_hit_at }]));
    expect(stats.by_class.find((c: { attack_type: string }) => c.attack_type === 'PortScan').suppressed).toBeGreaterThanOrEqual(5);
    const overview = (await api(app, 'GET', '/stats/overview', viewer)).json();
    expect(overview.suppressions.rules_in_force).toBeGreaterThanOrEqual(1);
    expect(overview.suppressions.suppressed_24h).toBeGreaterThanOrEqual(5);
    // both applications of this spec share the process's metric registry
    expect(await suppressedMetric(rule.id)).toBe(5);
    const [flowStats] = await db.query(`SELECT count(*) AS n FROM flows WHERE suppressed_by = $1`, [rule.id]);
    expect(Number(flowStats.n)).toBe(5);
  });

  it('suppresses model verdicts posted to the flows API by a rule of any class from a source network', async () => {
    const rule = await createRule({ src_cidr: '198.18.214.0/24', reason: 'Lab replay of CIC-IDS2017 captures' });
    const ddos = (await readFixtureRows()).filter((r) => r.label === 'DDoS').slice(0, 4);
    const flows = ddos.map((r, i) => sensorFlow(r, i, { flowId: `suppress-${i}`, srcIp: `198.18.214.${i + 1}`, dstIp: VICTIM }));
    const res = await api(app, 'POST', '/flows/batch', { 'x-api-key': key }, { flows });
    expect(res.statusCode).toBe(200);
    const attacks = res.json().flows.filter((f: { label: string }) => f.label !== 'BENIGN');
    expect(attacks.length).toBeGreaterThanOrEqual(3);
    expect(attacks.every((f: { alert_id: string | null }) => f.alert_id === null)).toBe(true);
    const stored = await db.query(`SELECT suppressed_by FROM flows WHERE id = ANY($1::bigint[])`, [attacks.map((f: { id: string }) => f.id)]);
    expect(stored.every((f: { suppressed_by: string }) => f.suppressed_by === rule.id)).toBe(true);
    expect(Number((await db.query(`SELECT count(*) AS n FROM alerts WHERE src_ip <<= '198.18.214.0/24'`))[0].n)).toBe(0);
    const detail = (await api(app, 'GET', `/flows/${attacks[0].id}`, viewer)).json();
    expect(detail.suppressed_by).toBe(rule.id);
  });

  it('stops suppressing once expired, lists the rule as expired, and audits create, update and delete', async () => {
    const [rule] = ruleIds;
    const expiresAt = new Date(Date.now() + 4000).toISOString();
    const put = await api(app, 'PUT', `/suppressions/${rule}`, security, {
      attack_type: 'PortScan', src_cidr: '198.18.213.0/25', dst_cidr: VICTIM, dst_port: 22, reason: 'Scheduled scan, ends soon', expires_at: expiresAt,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ expires_at: expiresAt, hit_count: 5, reason: 'Scheduled scan, ends soon' });
    await waitFor(() => Date.now() > Date.parse(expiresAt) + 50, 'the expiry', 20_000);
    expect(await verdict(app, 'PortScan', SRC(30))).toMatchObject({ status: 'alert_created' });
    await waitFor(() => other.get(SuppressionMatcher).match([{ alert: { attackType: 'PortScan', srcIp: SRC(31), dstIp: VICTIM, dstPort: 22 } }]) === null, 'expiry elsewhere');
    const listed = (await api(app, 'GET', '/suppressions', viewer)).json().find((r: { id: string }) => r.id === rule);
    expect(listed).toMatchObject({ active: false, hit_count: 5 });

    expect((await api(app, 'DELETE', `/suppressions/${rule}`, viewer)).statusCode).toBe(403);
    expect((await api(app, 'DELETE', `/suppressions/${rule}`, security)).statusCode).toBe(204);
    expect((await api(app, 'GET', `/suppressions/${rule}`, viewer)).statusCode).toBe(404);
    expect((await api(app, 'DELETE', `/suppressions/${rule}`, security)).statusCode).toBe(404);
    const audit = await db.query(`SELECT action, actor_type, before, after FROM audit_log WHERE target_type = 'suppression_rule' AND target_id = $1 ORDER BY id`, [rule]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['suppression.create', 'suppression.update', 'suppression.delete']);
    expect(audit[0]).toMatchObject({ actor_type: 'user', after: { attack_type: 'PortScan', src_cidr: '198.18.213.0/25', reason: 'Scheduled scan' } });
    expect(audit[1].after).toMatchObject({ expires_at: expiresAt });
    expect(audit[2].before).toMatchObject({ reason: 'Scheduled scan, ends soon' });
  });
});
