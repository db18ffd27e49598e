import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AlertEntity, RiskLevel } from '../../src/alerts/alert.entity';
import { AlertEvents } from '../../src/alerts/alert.events';
import { toAlertDto } from '../../src/alerts/dto/alert.dto';
import { NetworkTestEnv, Sessions, caller, db, eventually, firewallTargets, sessions } from './utils/network-test-app';

jest.setTimeout(30_000);

const POLICY = { enabled: true, min_risk_level: 'high', min_confidence: 0.9, attack_types: ['DDoS', 'PortScan'], duration: 900, dry_run: false };

describe('auto-response to alerts', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;
  let admin: ReturnType<typeof caller>;

  async function alert(attrs: { src_ip: string; risk?: RiskLevel; confidence?: number; type?: string }): Promise<AlertEntity> {
    const [{ id }] = await db(app).query(
      `INSERT INTO alerts (attack_type, risk_level, confidence, max_confidence, src_ip, dst_ip)
       VALUES ($1, $2, $3, $3, $4, '10.0.0.5') RETURNING id::text AS id`,
      [attrs.type ?? 'DDoS', attrs.risk ?? RiskLevel.HIGH, attrs.confidence ?? 0.95, attrs.src_ip],
    );
    return db(app).getRepository(AlertEntity).findOneByOrFail({ id });
  }

  const raise = (a: AlertEntity) => app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: toAlertDto(a) });
  const update = (a: AlertEntity) => app.get(EventEmitter2).emit(AlertEvents.UPDATED, { alert: toAlertDto(a), change: 'deduplicated', actor_id: null });
  const notes = (alertId: string) => db(app).query(`SELECT actor_type, kind, body, data FROM alert_events WHERE alert_id = $1 ORDER BY id`, [alertId]);
  const actionsOf = (alertId: string) => db(app).query(`SELECT * FROM network_actions WHERE alert_id = $1`, [alertId]);
  /** Lets the async listeners of an emitted event finish. */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  beforeAll(async () => {
    await env.setUp();
    app = await env.app();
    s = await sessions(app);
    admin = caller(app, s.admin);
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  it('is off by default and does nothing', async () => {
    const policy = (await admin('GET', '/network/auto-response')).json();
    expect(policy).toMatchObject({ enabled: false, min_risk_level: 'high', min_confidence: 0.9, attack_types: [], duration: 3600, dry_run: false, updated_by: null });
    const a = await alert({ src_ip: '198.18.50.1', risk: RiskLevel.CRITICAL, confidence: 0.99 });
    raise(a);
    await settle();
    expect(await actionsOf(a.id)).toEqual([]);
    expect(await notes(a.id)).toEqual([]);
  });

  it('is replaced by PUT (admins only), validated and audited', async () => {
    for (const bad of [{ ...POLICY, min_confidence: 1.5 }, { ...POLICY, min_risk_level: 'extreme' }, { ...POLICY, duration: 0 }, { ...POLICY, attack_types: 'DDoS' }, { enabled: true }, { ...POLICY, extra: 1 }]) {
      const r = await admin('PUT', '/network/auto-response', bad);
      expect([JSON.stringify(bad), r.statusCode]).toEqual([JSON.stringify(bad), 400]);
    }
    expect((await caller(app, s.security)('PUT', '/network/auto-response', POLICY)).statusCode).toBe(403);
    const res = await admin('PUT', '/network/auto-response', POLICY);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ...POLICY, updated_by: s.admin.user.id });
    expect((await admin('GET', '/network/auto-response')).json()).toMatchObject(POLICY);
    const [audit] = await db(app).query(`SELECT before, after FROM audit_log WHERE action = 'network.auto_response.update'`);
    expect([audit.before.enabled, audit.after.enabled, audit.after.attack_types]).toEqual([false, true, ['DDoS', 'PortScan']]);
  });

  it('blocks the source of a qualifying raised alert as the system, linked to the alert, with a timeline note', async () => {
    const a = await alert({ src_ip: '198.18.50.2' });
    raise(a);
    const [action] = await eventually('an action', async () => (await actionsOf(a.id)).length && actionsOf(a.id));
    expect(action).toMatchObject({ target: '198.18.50.2', is_automatic: true, created_by: null, duration_seconds: 900, action_type: 'block_ip' });
    await eventually('in the firewall', async () => (await firewallTargets(app)).includes('198.18.50.2'));
    const [note] = await notes(a.id);
    expect(note).toMatchObject({ actor_type: 'system', kind: 'auto_response', data: { action_id: String(action.id), target: '198.18.50.2', dry_run: false } });
    expect(note.body).toMatch(/^Automatic response: blocked 198\.18\.50\.2 for 900 s/);
    const [audit] = await db(app).query(`SELECT actor_type, details FROM audit_log WHERE action = 'network.block' AND target_id = $1`, [String(action.id)]);
    expect(audit).toMatchObject({ actor_type: 'system', details: { automatic: true, forced: false } });

    update(a);
    raise(a);
    await settle();
    expect(await notes(a.id)).toHaveLength(1);
    expect(await actionsOf(a.id)).toHaveLength(1);
  });

  it('ignores alerts below the thresholds or of other attack types, and acts when an update raises the risk', async () => {
    const low = await alert({ src_ip: '198.18.50.3', risk: RiskLevel.MEDIUM });
    const hesitant = await alert({ src_ip: '198.18.50.4', confidence: 0.5 });
    const other = await alert({ src_ip: '198.18.50.5', type: 'Bot' });
    for (const a of [low, hesitant, other]) raise(a);
    await settle();
    for (const a of [low, hesitant, other]) expect(await actionsOf(a.id)).toEqual([]);

    await db(app).query(`UPDATE alerts SET risk_level = 'critical' WHERE id = $1`, [low.id]);
    update(await db(app).getRepository(AlertEntity).findOneByOrFail({ id: low.id }));
    await eventually('blocked after the update', async () => (await actionsOf(low.id)).length === 1);
  });

  it('never forces: a protected source is refused, noted on the timeline and audited as denied', async () => {
    await admin('POST', '/network/allowlist', { cidr: '198.18.60.0/24', comment: 'partner' });
    const partner = await alert({ src_ip: '198.18.60.9', risk: RiskLevel.CRITICAL });
    const loopback = await alert({ src_ip: '127.0.0.1' });
    raise(partner);
    raise(loopback);
    await eventually('notes', async () => (await notes(partner.id)).length && (await notes(loopback.id)).length);
    expect((await notes(partner.id))[0].body).toMatch(/^Automatic response refused: Refusing to block 198\.18\.60\.9: it covers 198\.18\.60\.0\/24/);
    expect((await notes(loopback.id))[0].body).toMatch(/refused: 127\.0\.0\.1 is in 127\.0\.0\.0\/8, loopback \(RFC 1122\): never blocked$/);
    expect(await actionsOf(partner.id)).toEqual([]);
    const denied = await db(app).query(`SELECT target_id, outcome FROM audit_log WHERE action = 'network.auto_response' AND target_id = ANY($1)`, [[partner.id, loopback.id]]);
    expect(denied.map((d: { outcome: string }) => d.outcome)).toEqual(['denied', 'denied']);
  });

  it('notes an already blocked source without a second block', async () => {
    const manual = (await caller(app, s.security)('POST', '/network/block-ip', { ip: '198.18.50.7', duration: 3600, reason: 'manual' })).json();
    const a = await alert({ src_ip: '198.18.50.7' });
    raise(a);
    const [note] = await eventually('note', async () => (await notes(a.id)).length && notes(a.id));
    expect(note.body).toBe(`Automatic response: 198.18.50.7 is already blocked (network action ${manual.id})`);
    const [{ n }] = await db(app).query(`SELECT count(*)::int AS n FROM network_actions WHERE target = '198.18.50.7'`);
    expect(n).toBe(1);
  });

  it('in dry-run mode records what it would do and blocks nothing', async () => {
    await admin('PUT', '/network/auto-response', { ...POLICY, dry_run: true });
    const a = await alert({ src_ip: '198.18.50.8' });
    const protectedOne = await alert({ src_ip: '198.18.60.10' });
    raise(a);
    raise(protectedOne);
    const [note] = await eventually('note', async () => (await notes(a.id)).length && notes(a.id));
    expect(note).toMatchObject({ actor_type: 'system', kind: 'auto_response', body: 'Dry run: the auto-response policy would block 198.18.50.8 for 900 s', data: { dry_run: true, would_block: true } });
    const [other] = await eventually('note', async () => (await notes(protectedOne.id)).length && notes(protectedOne.id));
    expect(other.data).toMatchObject({ dry_run: true, would_block: false, refused: [expect.stringMatching(/^allowlisted/)] });
    await settle();
    expect(await actionsOf(a.id)).toEqual([]);
    expect(await firewallTargets(app)).not.toContain('198.18.50.8');
    const [audit] = await db(app).query(`SELECT actor_type, outcome, details FROM audit_log WHERE action = 'network.auto_response' AND target_id = $1`, [a.id]);
    expect(audit).toMatchObject({ actor_type: 'system', outcome: 'success', details: { dry_run: true, ip: '198.18.50.8' } });
  });
});
