import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { networkInterfaces } from 'node:os';
import { NetworkEvents } from '../../src/network/network.events';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NetworkEnvelope } from './utils/event-recorder';
import { NetworkTestEnv, Sessions, caller, db, dryRun, eventually, firewallTargets, sessions, statusOf } from './utils/network-test-app';

jest.setTimeout(30_000);

describe('network API (dry-run firewall)', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;
  let as: ReturnType<typeof caller>;
  const events: NetworkEnvelope[] = [];

  beforeAll(async () => {
    await env.setUp();
    app = await env.app({ FIREWALL_MANAGEMENT_CIDRS: '192.0.2.0/28, 2001:db8:ffff::/48', FIREWALL_ESCALATION_MAX_SECONDS: '1000' });
    s = await sessions(app);
    as = caller(app, s.security);
    for (const name of Object.values(NetworkEvents)) app.get(EventEmitter2).on(name, (payload) => events.push({ name, payload }));
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  it('blocks an address: 201 pending, then active in the firewall, with an event, an audit row and the caller', async () => {
    const res = await as('POST', '/network/block-ip', { ip: '198.51.100.7', duration: 600, reason: 'scanning us' });
    expect(res.statusCode).toBe(201);
    const action = res.json();
    expect(action).toMatchObject({ type: 'block_ip', target: '198.51.100.7', family: 4, status: 'pending', duration_seconds: 600, escalation_level: 0, is_automatic: false, created_by: s.security.user.id });
    expect(Date.parse(action.expires_at) - Date.now()).toBeGreaterThan(590_000);
    await eventually('active', async () => (await statusOf(app, action.id)) === 'active');
    expect(await firewallTargets(app)).toContain('198.51.100.7');
    const [entry] = (await dryRun(app).list()).addresses.filter((a) => a.target === '198.51.100.7');
    expect(entry.expiresInSec).toBeGreaterThan(590);
    const got = (await as('GET', `/network/actions/${action.id}`)).json();
    expect(got).toMatchObject({ status: 'active', driver: 'dry-run', attempts: 1, error: null });
    expect(got.applied_at).toBeTruthy();
    await eventually('event', async () => events.find((e) => e.name === 'network.ip_blocked' && e.payload.action.id === action.id));
    const [audit] = await db(app).query(`SELECT * FROM audit_log WHERE action = 'network.block' AND target_id = $1`, [action.id]);
    expect(audit).toMatchObject({ actor_type: 'user', actor_id: s.security.user.id, outcome: 'success' });
    expect(audit.after).toMatchObject({ target: '198.51.100.7', status: 'pending', duration_seconds: 600 });
  });

  it('blocking a blocked target returns the live block with 200, extends it only when the new expiry is later, never a second rule', async () => {
    const first = (await as('POST', '/network/block-ip', { ip: '198.51.100.8', duration: 300, reason: 'first' })).json();
    await eventually('active', async () => (await statusOf(app, first.id)) === 'active');
    const shorter = await as('POST', '/network/block-ip', { ip: '198.51.100.8', duration: 60, reason: 'again' });
    expect(shorter.statusCode).toBe(200);
    expect(shorter.json()).toMatchObject({ id: first.id, expires_at: first.expires_at, duration_seconds: 300 });
    const longer = await as('POST', '/network/block-ip', { ip: '198.51.100.8/32', duration: 3000, reason: 'longer' });
    expect(longer.statusCode).toBe(200);
    expect(longer.json().id).toBe(first.id);
    // the duration that set the new expiry, in the answer and in the stored action
    expect(longer.json().duration_seconds).toBe(3000);
    expect((await as('GET', `/network/actions/${first.id}`)).json().duration_seconds).toBe(3000);
    expect(Date.parse(longer.json().expires_at)).toBeGreaterThan(Date.parse(first.expires_at) + 2_000_000);
    await eventually('timeout extended in the firewall', async () =>
      (await dryRun(app).list()).addresses.find((a) => a.target === '198.51.100.8' && a.expiresInSec! > 2900));
    const permanent = await as('POST', '/network/block-ip', { ip: '198.51.100.8', reason: 'forever' });
    expect(permanent.json()).toMatchObject({ id: first.id, expires_at: null, duration_seconds: null });
    const rows = await db(app).query(`SELECT count(*)::int AS n FROM network_actions WHERE target = '198.51.100.8'`);
    expect(rows[0].n).toBe(1);
    const audits = await db(app).query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'network.block.extend' AND target_id = $1`, [first.id]);
    expect(audits[0].n).toBe(2);
  });

  it('creates one block when the same target is requested concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => as('POST', '/network/block-ip', { ip: '198.51.100.9', duration: 60, reason: 'race' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
  });

  it('escalates a target blocked again within the lookback, capped at the maximum', async () => {
    const levels: [number, number][] = [];
    for (let i = 0; i < 4; i++) {
      const res = await as('POST', '/network/block-ip', { ip: '2001:db8:1::/64', duration: 100, reason: `round ${i}` });
      expect(res.statusCode).toBe(201);
      levels.push([res.json().escalation_level, res.json().duration_seconds]);
      expect((await as('DELETE', `/network/unblock/${res.json().id}`)).statusCode).toBe(200);
    }
    expect(levels).toEqual([[0, 100], [1, 200], [2, 400], [3, 800]]);
    const capped = (await as('POST', '/network/block-ip', { ip: '2001:db8:1::/64', duration: 100, reason: 'capped' })).json();
    expect([capped.escalation_level, capped.duration_seconds]).toEqual([4, 1000]);
    await as('DELETE', `/network/unblock/${capped.id}`);
    const permanent = (await as('POST', '/network/block-ip', { ip: '2001:db8:1::/64', reason: 'permanent' })).json();
    expect([permanent.escalation_level, permanent.duration_seconds, permanent.expires_at]).toEqual([5, null, null]);
  });

  it('blocks a port for every source and refuses the API port unless an admin forces it', async () => {
    const res = await as('POST', '/network/block-port', { port: 2323, protocol: 'tcp', duration: 120, reason: 'telnet worm' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ type: 'block_port', target: '2323/tcp', port: 2323, protocol: 'tcp', family: null });
    await eventually('in the firewall', async () => (await firewallTargets(app)).includes('2323/tcp'));
    expect((await as('POST', '/network/block-port', { port: 2323, protocol: 'tcp', reason: 'dup' })).statusCode).toBe(200);
    const apiPort = await as('POST', '/network/block-port', { port: 3000, protocol: 'tcp', reason: 'oops' });
    expect(apiPort.statusCode).toBe(409);
    expect(apiPort.json().details).toEqual([{ field: 'port', reason: expect.stringMatching(/^api_port/) }]);
    const forced = await caller(app, s.admin)('POST', '/network/block-port', { port: 3000, protocol: 'tcp', reason: 'maintenance', duration: 5, force: true });
    expect(forced.statusCode).toBe(201);
    for (const bad of [{ port: 0 }, { port: 65536 }, { port: '22' }, { port: 22.5 }, { protocol: 'icmp' }, { protocol: 'TCP' }]) {
      const r = await as('POST', '/network/block-port', { port: 22, protocol: 'tcp', reason: 'x', ...bad });
      expect([JSON.stringify(bad), r.statusCode]).toEqual([JSON.stringify(bad), 400]);
      expect(r.json().details[0].field).toBe(Object.keys(bad)[0]);
    }
  });

  it('refuses loopback and the whole internet with 400, even forced by an admin', async () => {
    for (const ip of ['127.0.0.1', '127.0.0.0/8', '::1', '0.0.0.0/1', '::ffff:127.0.0.1', '0.0.0.0/0', '::/0', '::ffff:0:0/96']) {
      const res = await caller(app, s.admin)('POST', '/network/block-ip', { ip, reason: 'no', force: true });
      expect([ip, res.statusCode]).toEqual([ip, 400]);
      expect(res.json().details).toEqual([{ field: 'ip', reason: expect.stringMatching(/^(touches_loopback|whole_internet)$/) }]);
    }
  });

  it('refuses special-purpose targets with 400 naming the field and the reason, even forced, and none reaches the firewall', async () => {
    const never: [string, string][] = [
      ['0.0.0.0', 'unspecified'], ['0.0.0.0/8', 'unspecified'], ['0.0.0.0/32', 'unspecified'],
      ['::', 'unspecified'], ['::/128', 'unspecified'],
      ['::127.0.0.1', 'embedded_loopback'], ['::127.0.0.0/104', 'embedded_loopback'],
      ['64:ff9b::7f00:1', 'embedded_loopback'], ['64:ff9b::7f00:0/104', 'embedded_loopback'], ['64:ff9b::127.0.0.1', 'embedded_loopback'],
      ['64:ff9b:1::7f00:1', 'embedded_loopback'], ['2002:7f00:1::', 'embedded_loopback'], ['2001:0:7f00:1::1', 'embedded_loopback'],
      ['255.255.255.255', 'broadcast'], ['255.255.255.255/32', 'broadcast'], ['255.255.255.0/24', 'broadcast'],
      ['224.0.0.1', 'multicast'], ['224.0.0.0/4', 'multicast'], ['ff02::1', 'multicast'], ['64:ff9b::e000:1', 'embedded_multicast'],
    ];
    for (const [ip, reason] of never) {
      for (const who of [s.security, s.admin]) {
        const res = await caller(app, who)('POST', '/network/block-ip', { ip, reason: 'no', ...(who === s.admin ? { force: true } : {}) });
        expect([ip, res.statusCode, res.json().details]).toEqual([ip, 400, [{ field: 'ip', reason }]]);
        expect(res.json().message).toMatch(/never blocked$/);
      }
    }
    const forcible: [string, string][] = [
      ['169.254.169.254', 'link_local'], ['169.254.0.0/16', 'link_local'], ['fe80::1', 'link_local'],
      ['240.0.0.1', 'reserved'], ['64:ff9b::a9fe:a9fe', 'embedded_link_local'], ['2002::/16', 'embeds_special_purpose'],
    ];
    for (const [ip, reason] of forcible) {
      const res = await as('POST', '/network/block-ip', { ip, reason: 'not without force' });
      expect([ip, res.statusCode, res.json().details]).toEqual([ip, 400, [{ field: 'ip', reason }]]);
      expect(res.json().message).toMatch(/unless an admin forces it/);
    }
    expect((await as('POST', '/network/block-ip', { ip: '169.254.169.254', reason: 'metadata', force: true })).statusCode).toBe(403);
    const held = await firewallTargets(app);
    for (const [ip] of [...never, ...forcible]) expect([ip, held.some((t) => t === ip)]).toEqual([ip, false]);
    const rows = await db(app).query(`SELECT count(*)::int AS n FROM network_actions WHERE target = ANY($1)`, [[...never, ...forcible].map(([ip]) => ip)]);
    expect(rows[0].n).toBe(0);

    const forced = await caller(app, s.admin)('POST', '/network/block-ip', { ip: '169.254.169.254', reason: 'metadata abuse', duration: 30, force: true });
    expect(forced.statusCode).toBe(201);
    await eventually('forced link-local block applied', async () => (await statusOf(app, forced.json().id)) === 'active');
    expect(await firewallTargets(app)).toContain('169.254.169.254');
    const [audit] = await db(app).query(`SELECT details FROM audit_log WHERE action = 'network.block' AND target_id = $1`, [forced.json().id]);
    expect(audit.details).toMatchObject({ forced: true, overridden: ['special_purpose: 169.254.0.0/16 (link_local)'] });
    await caller(app, s.admin)('DELETE', `/network/unblock/${forced.json().id}`);
  });

  it('refuses protected targets with 409 naming each reason; only an admin may force them', async () => {
    const fromClient = caller(app, s.security, '203.0.113.50');
    const self = await fromClient('POST', '/network/block-ip', { ip: '203.0.113.0/24', reason: 'would lock me out' });
    expect(self.statusCode).toBe(409);
    expect(self.json()).toMatchObject({ error: 'CONFLICT', details: [{ field: 'ip', reason: 'requester_address: 203.0.113.50 (your address)' }] });

    const mgmt = await as('POST', '/network/block-ip', { ip: '192.0.2.3', reason: 'mgmt' });
    expect(mgmt.statusCode).toBe(409);
    expect(mgmt.json().details[0].reason).toBe('management_network: 192.0.2.0/28 (FIREWALL_MANAGEMENT_CIDRS)');
    expect((await as('POST', '/network/block-ip', { ip: '2001:db8::/32', reason: 'covers mgmt' })).statusCode).toBe(409);

    const own = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (own) {
      const res = await as('POST', '/network/block-ip', { ip: own.address, reason: 'myself' });
      expect(res.statusCode).toBe(409);
      expect(res.json().details[0].reason).toMatch(/^own_address/);
    }

    const security403 = await as('POST', '/network/block-ip', { ip: '192.0.2.3', reason: 'force', force: true });
    expect(security403.statusCode).toBe(403);
    const forced = await caller(app, s.admin)('POST', '/network/block-ip', { ip: '192.0.2.3', reason: 'forced', force: true, duration: 30 });
    expect(forced.statusCode).toBe(201);
    const [audit] = await db(app).query(`SELECT details FROM audit_log WHERE action = 'network.block' AND target_id = $1`, [forced.json().id]);
    expect(audit.details).toMatchObject({ forced: true, overridden: ['management_network: 192.0.2.0/28 (FIREWALL_MANAGEMENT_CIDRS)'] });
    const denied = await db(app).query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'network.block' AND outcome = 'denied'`);
    expect(denied[0].n).toBeGreaterThanOrEqual(3);
  });

  it('keeps allowlisted networks unblockable; expired entries stop protecting; entries can be removed', async () => {
    const admin = caller(app, s.admin);
    const add = await admin('POST', '/network/allowlist', { cidr: '198.18.200.0/24', comment: 'partner' });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ cidr: '198.18.200.0/24', comment: 'partner', active: true, expires_at: null, created_by: s.admin.user.id });
    expect((await admin('POST', '/network/allowlist', { cidr: '198.18.200.7/24', comment: 'same network' })).statusCode).toBe(409);
    const host = (await admin('POST', '/network/allowlist', { cidr: '198.18.201.1', comment: 'one host' })).json();
    expect(host.cidr).toBe('198.18.201.1');

    const refused = await as('POST', '/network/block-ip', { ip: '198.18.200.77', reason: 'partner' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().details[0].reason).toBe(`allowlisted: 198.18.200.0/24 (allowlist entry ${add.json().id})`);
    expect((await as('POST', '/network/block-ip', { ip: '198.18.0.0/16', reason: 'covers partner' })).statusCode).toBe(409);

    await db(app).query(`UPDATE allowlist_entries SET expires_at = now() - interval '1 second' WHERE id = $1`, [host.id]);
    expect((await as('POST', '/network/block-ip', { ip: '198.18.201.1', reason: 'entry expired', duration: 30 })).statusCode).toBe(201);
    const list = (await admin('GET', '/network/allowlist')).json();
    expect(list.find((e: { id: string }) => e.id === host.id)).toMatchObject({ active: false });

    expect((await admin('DELETE', `/network/allowlist/${add.json().id}`)).statusCode).toBe(204);
    expect((await admin('DELETE', `/network/allowlist/${add.json().id}`)).statusCode).toBe(404);
    expect((await as('POST', '/network/block-ip', { ip: '198.18.200.77', reason: 'no longer protected', duration: 30 })).statusCode).toBe(201);
    const audits = await db(app).query(`SELECT action FROM audit_log WHERE action LIKE 'network.allowlist.%' ORDER BY id`);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['network.allowlist.add', 'network.allowlist.add', 'network.allowlist.remove']);

    for (const bad of [{ cidr: '1.2.3.4; flush ruleset', comment: 'x' }, { cidr: '10.0.0.1', comment: 'x', expires_at: '2001-01-01T00:00:00Z' }, { cidr: '10.0.0.1' }]) {
      const r = await admin('POST', '/network/allowlist', bad);
      expect(r.statusCode).toBe(400);
    }
    expect((await as('POST', '/network/allowlist', { cidr: '10.9.9.9', comment: 'security may not' })).statusCode).toBe(403);
  });

  it('unblocks one block: revoked at once, out of the firewall, idempotent, 409 for a finished one', async () => {
    const action = (await as('POST', '/network/block-ip', { ip: '198.51.100.20', duration: 600, reason: 'x' })).json();
    await eventually('in the firewall', async () => (await firewallTargets(app)).includes('198.51.100.20'));
    const res = await as('DELETE', `/network/unblock/${action.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: action.id, status: 'revoked', revoked_by: s.security.user.id });
    expect(res.json().ended_at).toBeTruthy();
    await eventually('out of the firewall', async () => !(await firewallTargets(app)).includes('198.51.100.20'));
    expect((await as('DELETE', `/network/unblock/${action.id}`)).json().status).toBe('revoked');
    await eventually('event', async () => events.find((e) => e.name === 'network.block_revoked' && e.payload.action.id === action.id));
    const [audit] = await db(app).query(`SELECT before, after FROM audit_log WHERE action = 'network.unblock' AND target_id = $1`, [action.id]);
    expect([audit.before.status, audit.after.status]).toEqual(['active', 'revoked']);

    await db(app).query(`UPDATE network_actions SET status = 'expired' WHERE id = $1`, [action.id]);
    expect((await as('DELETE', `/network/unblock/${action.id}`)).statusCode).toBe(409);
    expect((await as('DELETE', '/network/unblock/999999999')).statusCode).toBe(404);
    const bad = await as('DELETE', '/network/unblock/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ field: 'actionId', reason: expect.any(String) }]);
  });

  it('unblocks in bulk by ids, by CIDR and by alert', async () => {
    const ids: string[] = [];
    for (const ip of ['198.51.101.1', '198.51.101.2', '198.51.101.130', '198.51.102.1']) {
      ids.push((await as('POST', '/network/block-ip', { ip, duration: 600, reason: 'bulk' })).json().id);
    }
    await eventually('all active', async () => (await Promise.all(ids.map((id) => statusOf(app, id)))).every((st) => st === 'active'));

    const byCidr = await as('POST', '/network/unblock', { cidr: '198.51.101.0/25' });
    expect(byCidr.statusCode).toBe(200);
    expect(byCidr.json().revoked.map((a: { target: string }) => a.target)).toEqual(['198.51.101.1', '198.51.101.2']);

    const byIds = await as('POST', '/network/unblock', { ids: [ids[0], ids[2], '999999999'] });
    expect(byIds.json().revoked.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
    expect(byIds.json().skipped).toEqual(expect.arrayContaining([
      { id: ids[0], reason: 'not_live', status: 'revoked' },
      { id: '999999999', reason: 'not_found', status: null },
    ]));
    await eventually('out of the firewall', async () => {
      const held = await firewallTargets(app);
      return !['198.51.101.1', '198.51.101.2', '198.51.101.130'].some((t) => held.includes(t)) && held.includes('198.51.102.1');
    });

    const [alert] = await db(app).query(`INSERT INTO alerts (attack_type, risk_level, confidence, max_confidence, src_ip) VALUES ('DDoS', 'high', 0.9, 0.9, '198.51.103.1') RETURNING id::text AS id`);
    const linked = (await as('POST', '/network/block-ip', { ip: '198.51.103.1', duration: 60, reason: 'alert', alert_id: alert.id })).json();
    expect(linked.alert_id).toBe(alert.id);
    const byAlert = (await as('POST', '/network/unblock', { alert_id: alert.id })).json();
    expect(byAlert.revoked.map((a: { id: string }) => a.id)).toEqual([linked.id]);

    for (const payload of [{}, { ids: [ids[3]], cidr: '10.0.0.0/8' }, { ids: [] }, { ids: ['x'] }, { cidr: '10.0.0.0/8;' }]) {
      const r = await as('POST', '/network/unblock', payload);
      expect([JSON.stringify(payload), r.statusCode]).toEqual([JSON.stringify(payload), 400]);
    }
    expect((await as('POST', '/network/block-ip', { ip: '198.51.103.2', reason: 'x', alert_id: '999999999' })).json().details).toEqual([{ field: 'alert_id', reason: 'no such alert' }]);
  });

  it('lists actions with filters and cursor pagination', async () => {
    const viewer = caller(app, s.viewer);
    const page1 = await viewer('GET', '/network/actions?limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items).toHaveLength(2);
    const cursor = page1.json().meta.next_cursor;
    expect(cursor).toBe(page1.json().items[1].id);
    const page2 = (await viewer('GET', `/network/actions?limit=2&cursor=${cursor}`)).json();
    expect(BigInt(page2.items[0].id)).toBeLessThan(BigInt(cursor));

    const live = (await viewer('GET', '/network/actions?active_only=true&limit=200')).json().items;
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((a: { status: string }) => ['pending', 'active'].includes(a.status))).toBe(true);
    const inside = (await viewer('GET', '/network/actions?target=198.51.101.0/24&limit=200')).json().items;
    expect(inside.map((a: { target: string }) => a.target).sort()).toEqual(['198.51.101.1', '198.51.101.130', '198.51.101.2']);
    expect((await viewer('GET', '/network/actions?target=2323/tcp')).json().items).toHaveLength(1);
    const revoked = (await viewer('GET', '/network/actions?status=revoked&type=block_ip&limit=200')).json().items;
    expect(revoked.every((a: { status: string; type: string }) => a.status === 'revoked' && a.type === 'block_ip')).toBe(true);

    for (const q of ['limit=0', 'limit=201', 'status=gone', 'type=block', 'cursor=abc', 'active_only=maybe', 'target=1.2.3.4;ls', 'alert_id=-1']) {
      const r = await viewer('GET', `/network/actions?${q}`);
      expect([q, r.statusCode]).toEqual([q, 400]);
    }
    expect((await viewer('GET', '/network/actions/999999999')).statusCode).toBe(404);
  });

  it('answers 403 to viewers changing anything and to security changing configuration', async () => {
    const viewer = caller(app, s.viewer);
    expect((await viewer('POST', '/network/block-ip', { ip: '198.51.100.99', reason: 'x' })).statusCode).toBe(403);
    expect((await viewer('POST', '/network/block-port', { port: 99, protocol: 'udp', reason: 'x' })).statusCode).toBe(403);
    expect((await viewer('DELETE', '/network/unblock/1')).statusCode).toBe(403);
    expect((await viewer('POST', '/network/unblock', { ids: ['1'] })).statusCode).toBe(403);
    expect((await viewer('GET', '/network/actions')).statusCode).toBe(200);
    expect((await as('GET', '/network/allowlist')).statusCode).toBe(403);
    expect((await as('GET', '/network/auto-response')).statusCode).toBe(403);
    expect((await as('PUT', '/network/auto-response', {})).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/network/actions' })).statusCode).toBe(401);
  });

  it('rejects malformed bodies with 400 naming the field', async () => {
    const cases: [object, string][] = [
      [{ reason: 'x' }, 'ip'],
      [{ ip: 12, reason: 'x' }, 'ip'],
      [{ ip: '198.51.100.1' }, 'reason'],
      [{ ip: '198.51.100.1', reason: '' }, 'reason'],
      [{ ip: '198.51.100.1', reason: '   ' }, 'reason'],
      [{ ip: '198.51.100.1', reason: 'x', duration: 0 }, 'duration'],
      [{ ip: '198.51.100.1', reason: 'x', duration: 2_147_484 }, 'duration'],
      [{ ip: '198.51.100.1', reason: 'x', duration: '60' }, 'duration'],
      [{ ip: '198.51.100.1', reason: 'x', force: 'yes' }, 'force'],
      [{ ip: '198.51.100.1', reason: 'x', alert_id: 'abc' }, 'alert_id'],
      [{ ip: '198.51.100.1', reason: 'x', status: 'active' }, 'status'],
      [{ ip: '198.51.100.1/33', reason: 'x' }, 'ip'],
    ];
    for (const [payload, field] of cases) {
      const res = await as('POST', '/network/block-ip', payload);
      expect([JSON.stringify(payload), res.statusCode, res.json().details?.[0]?.field]).toEqual([JSON.stringify(payload), 400, field]);
    }
  });
});
