import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAlert } from '../utils/alert-factory';
import { bearer, createApiKey } from '../utils/factories';
import { NetworkTestEnv, Sessions, caller, db, eventually, sessions, statusOf } from './utils/network-test-app';

jest.setTimeout(60_000);

const UA = 'crowdsec-firewall-bouncer/v0.0.25-test (go1.19)';
const GO_DURATION = /^(\d+h)?(\d+m)?\d+(\.\d+)?s$/;

/** Seconds of a Go duration as this API writes it (hours, minutes, seconds). */
function seconds(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?([\d.]+)s$/.exec(duration);
  if (!m) throw new Error(`not a Go duration: ${duration}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]);
}

describe('CrowdSec-compatible decisions API (/v1/decisions) and bouncer keys', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;
  const as = (...args: Parameters<ReturnType<typeof caller>>) => caller(app, s.security)(...args);
  const admin = (...args: Parameters<ReturnType<typeof caller>>) => caller(app, s.admin)(...args);
  const pull = async (key: string, query = '') => {
    const res = await app.inject({ method: 'GET', url: `/v1/decisions/stream${query}`, headers: { 'x-api-key': key, 'user-agent': UA } });
    expect({ status: res.statusCode, body: res.statusCode === 200 ? '' : res.body }).toEqual({ status: 200, body: '' });
    return res.json();
  };
  const values = (list: { value: string }[] | null) => (list ?? []).map((d) => d.value).sort();
  const block = async (ip: string, extra: Record<string, unknown> = {}) => {
    const res = await as('POST', '/network/block-ip', { ip, reason: 'manual test block', ...extra });
    expect(res.statusCode).toBe(201);
    const id: string = res.json().id;
    await eventually(`action ${id} active`, async () => (await statusOf(app, id)) === 'active');
    return id;
  };
  const newBouncer = async (name: string) => {
    const res = await admin('POST', '/bouncers', { name });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; key: string };
  };

  beforeAll(async () => {
    await env.setUp();
    app = await env.app();
    s = await sessions(app);
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  it('bouncer keys are admin-managed, named uniquely, shown once and listed without their secret', async () => {
    expect((await as('POST', '/bouncers', { name: 'by-security' })).statusCode).toBe(403);
    const bad = await admin('POST', '/bouncers', { name: 'has space' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().details)).toContain('name');
    const created = await newBouncer('fw-keys');
    expect(created.key).toMatch(/^idsb_[0-9a-f]{12}_/);
    expect((await admin('POST', '/bouncers', { name: 'fw-keys' })).statusCode).toBe(409);
    const listed = (await admin('GET', '/bouncers')).json();
    const row = listed.find((b: { id: string }) => b.id === created.id);
    expect(row).toMatchObject({ name: 'fw-keys', last_pull_at: null, last_pull_ip: null, version: null, revoked_at: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect((await admin('DELETE', `/bouncers/${created.id}`)).json().revoked_at).not.toBeNull();
    // revoked: refused, and its name is free again
    const res = await app.inject({ method: 'GET', url: '/v1/decisions/stream', headers: { 'x-api-key': created.key } });
    expect(res.statusCode).toBe(401);
    expect((await admin('POST', '/bouncers', { name: 'fw-keys' })).statusCode).toBe(201);
    expect((await admin('DELETE', '/bouncers/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('a bouncer key reads decisions and nothing else; sensor keys and users cannot read decisions', async () => {
    const { key } = await newBouncer('fw-scope');
    const sensor = await createApiKey(app);
    const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });
    expect((await get('/api/v1/alerts', { 'x-api-key': key })).statusCode).toBe(403);
    expect((await get('/api/v1/bouncers', { 'x-api-key': key })).statusCode).toBe(403);
    const ingest = await app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload: { flows: [] } });
    expect(ingest.statusCode).toBe(403);
    expect((await get('/api/v1/alerts', bearer(key))).statusCode).toBe(401);
    expect((await get('/v1/decisions/stream', { 'x-api-key': sensor })).statusCode).toBe(403);
    expect((await get('/v1/decisions', bearer(s.admin.access_token))).statusCode).toBe(403);
    expect((await get('/v1/decisions/stream', {})).statusCode).toBe(401);
    expect((await get('/v1/decisions/stream', { 'x-api-key': 'idsb_000000000000_nope' })).statusCode).toBe(401);
    expect((await get('/api/v1/decisions/stream', { 'x-api-key': key })).statusCode).toBe(404);
  });

  it('streams active IP and CIDR blocks: full set at startup, then new and deleted exactly once per bouncer', async () => {
    const alert = await createAlert(app, { attackType: 'PortScan', srcIp: '198.51.100.7' });
    const ipId = await block('198.51.100.7', { duration: 3600, alert_id: alert.id });
    const rangeId = await block('203.0.113.0/24');
    const port = await as('POST', '/network/block-port', { port: 8080, protocol: 'tcp', reason: 'not a decision', duration: 600 });
    expect(port.statusCode).toBe(201);
    const a = await newBouncer('fw-a');
    const b = await newBouncer('fw-b');

    const first = await pull(a.key, '?startup=true');
    expect(first.deleted).toBeNull();
    const byValue = Object.fromEntries(first.new.map((d: { value: string }) => [d.value, d]));
    expect(Object.keys(byValue).sort()).toEqual(['198.51.100.7', '203.0.113.0/24']);
    const ip = byValue['198.51.100.7'];
    expect(Object.keys(ip).sort()).toEqual(['duration', 'id', 'origin', 'scenario', 'scope', 'type', 'until', 'value']);
    expect(ip).toMatchObject({ id: Number(ipId), origin: 'ids-ai', type: 'ban', scope: 'Ip', scenario: 'PortScan' });
    expect(ip.duration).toMatch(GO_DURATION);
    expect(seconds(ip.duration)).toBeGreaterThan(3500);
    expect(seconds(ip.duration)).toBeLessThanOrEqual(3600);
    expect(Math.abs(Date.parse(ip.until) - Date.now() - seconds(ip.duration) * 1000)).toBeLessThan(5000);
    expect(byValue['203.0.113.0/24']).toEqual({
      id: Number(rangeId), origin: 'ids-ai', type: 'ban', scope: 'Range', value: '203.0.113.0/24', duration: '87600h0m0s', scenario: 'manual test block',
    });

    expect(await pull(a.key, '?startup=false')).toEqual({ new: null, deleted: null });
    const thirdId = await block('192.0.2.44', { duration: 600 });
    // a HEAD (no body) does not move the cursor: the next GET still carries the change
    const head = await app.inject({ method: 'HEAD', url: '/v1/decisions/stream', headers: { 'x-api-key': a.key } });
    expect(head.statusCode).toBe(200);
    const delta = await pull(a.key, '?startup=false');
    expect(values(delta.new)).toEqual(['192.0.2.44']);
    expect(delta.deleted).toBeNull();

    expect((await as('DELETE', `/network/unblock/${ipId}`)).statusCode).toBe(200);
    const afterRevoke = await pull(a.key);
    expect(afterRevoke.new).toBeNull();
    expect(afterRevoke.deleted.map((d: { id: number; value: string; scope: string }) => [d.id, d.value, d.scope])).toEqual([[Number(ipId), '198.51.100.7', 'Ip']]);
    expect(await pull(a.key)).toEqual({ new: null, deleted: null });

    // bouncer b has its own cursor: its first pull has the current set, and nothing of a's history
    const bFirst = await pull(b.key, '?startup=true');
    expect(values(bFirst.new)).toEqual(['192.0.2.44', '203.0.113.0/24']);
    expect(bFirst.deleted).toBeNull();

    // expiry: deleted at the first pull after the end, before the expiry job has to run, and only once
    const shortId = await block('192.0.2.99', { duration: 2 });
    expect(values((await pull(a.key)).new)).toEqual(['192.0.2.99']);
    await new Promise((r) => setTimeout(r, 2200));
    const expired = await pull(a.key);
    expect(expired.new).toBeNull();
    expect(expired.deleted.map((d: { id: number }) => d.id)).toEqual([Number(shortId)]);
    expect(expired.deleted[0].duration).toMatch(/^-/);
    expect(await pull(a.key)).toEqual({ new: null, deleted: null });
    // b never saw 192.0.2.99 as new (pulled before and after it lived): nothing to delete either
    expect(await pull(b.key)).toEqual({ new: null, deleted: null });

    // a bouncer restarting with startup=true gets the full set again, and deltas go on from there
    const restart = await pull(a.key, '?startup=true');
    expect(values(restart.new)).toEqual(['192.0.2.44', '203.0.113.0/24']);
    expect(await pull(a.key)).toEqual({ new: null, deleted: null });
    await as('DELETE', `/network/unblock/${thirdId}`);
    expect(values((await pull(a.key)).deleted)).toEqual(['192.0.2.44']);
    expect(values((await pull(b.key)).deleted)).toEqual(['192.0.2.44']);
  });

  it('an extended block is sent again with its new end', async () => {
    const { key } = await newBouncer('fw-extend');
    const id = await block('192.0.2.50', { duration: 60 });
    const first = (await pull(key, '?startup=true')).new.find((d: { value: string }) => d.value === '192.0.2.50');
    const again = await as('POST', '/network/block-ip', { ip: '192.0.2.50', reason: 'again', duration: 7200 });
    expect(again.json().id).toBe(id);
    const delta = await pull(key);
    expect(delta.new.map((d: { id: number }) => d.id)).toEqual([Number(id)]);
    expect(Date.parse(delta.new[0].until)).toBeGreaterThan(Date.parse(first.until));
    expect(await pull(key)).toEqual({ new: null, deleted: null });
  });

  it('applies the bouncer filters: scopes, origins, scenarios containing and not containing', async () => {
    const { key } = await newBouncer('fw-filters');
    const alert = await createAlert(app, { attackType: 'DDoS', srcIp: '198.51.100.90' });
    await block('198.51.100.90', { duration: 600, alert_id: alert.id });
    const startup = (q: string) => pull(key, `?startup=true${q}`);
    expect(values((await startup('&scopes=range')).new)).toEqual(['203.0.113.0/24']);
    expect(values((await startup('&scopes=Ip')).new)).toContain('198.51.100.90');
    expect(values((await startup('&scopes=Ip')).new)).not.toContain('203.0.113.0/24');
    expect((await startup('&origins=crowdsec,cscli')).new).toBeNull();
    expect(values((await startup('&origins=CAPI,ids-ai')).new)).toContain('198.51.100.90');
    expect(values((await startup('&scenarios_containing=ddos')).new)).toEqual(['198.51.100.90']);
    expect(values((await startup('&scenarios_not_containing=ddos,manual')).new)).toEqual([]);
    const bad = await app.inject({ method: 'GET', url: '/v1/decisions/stream?startup=maybe', headers: { 'x-api-key': key } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('startup');
  });

  it('GET /v1/decisions answers by ip, range, scope, value and type, and null when nothing matches', async () => {
    const { key } = await newBouncer('fw-live');
    const find = async (q: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/decisions${q}`, headers: { 'x-api-key': key } });
      return { status: res.statusCode, body: res.body };
    };
    const inRange = await find('?ip=203.0.113.9');
    expect(inRange.status).toBe(200);
    expect(JSON.parse(inRange.body).map((d: { value: string; scope: string }) => [d.value, d.scope])).toEqual([['203.0.113.0/24', 'Range']]);
    expect(await find('?ip=192.0.2.1')).toEqual({ status: 200, body: 'null' });
    expect(values(JSON.parse((await find('?range=198.51.100.0/24&contains=false')).body))).toEqual(['198.51.100.90']);
    expect(values(JSON.parse((await find('?range=203.0.113.0/25')).body))).toEqual(['203.0.113.0/24']);
    expect(values(JSON.parse((await find('?scope=range')).body))).toEqual(['203.0.113.0/24']);
    expect(values(JSON.parse((await find('?value=198.51.100.90&type=ban')).body))).toEqual(['198.51.100.90']);
    expect((await find('?type=captcha')).body).toBe('null');
    const bad = await find('?ip=999.1.1.1');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('ip');
  });

  it('IPv6 addresses and networks are decisions too, in canonical form', async () => {
    const { key } = await newBouncer('fw-v6');
    const host = await block('2001:DB8:0:0::7', { duration: 600 });
    const net = await block('2001:db8:1:0::/48', { duration: 600 });
    const got = (await pull(key, '?startup=true')).new.filter((d: { id: number }) => [Number(host), Number(net)].includes(d.id));
    expect(got.map((d: { value: string; scope: string }) => [d.value, d.scope])).toEqual([['2001:db8::7', 'Ip'], ['2001:db8:1::/48', 'Range']]);
    const live = await app.inject({ method: 'GET', url: '/v1/decisions?ip=2001:db8:1::5', headers: { 'x-api-key': key } });
    expect(values(live.json())).toEqual(['2001:db8:1::/48']);
    await as('POST', '/network/unblock', { ids: [host, net] });
    expect(values((await pull(key)).deleted)).toEqual(['2001:db8:1::/48', '2001:db8::7']);
  });

  it('lists each bouncer with its last pull, address and version, and exports the pull age per bouncer', async () => {
    const { id, key } = await newBouncer('fw-health');
    await app.inject({ method: 'GET', url: '/v1/decisions/stream?startup=true', headers: { 'x-api-key': key, 'user-agent': UA }, remoteAddress: '198.18.7.7' });
    const row = (await admin('GET', '/bouncers')).json().find((b: { id: string }) => b.id === id);
    expect(row).toMatchObject({ last_pull_ip: '198.18.7.7', user_agent: UA, version: 'v0.0.25-test' });
    expect(Date.now() - Date.parse(row.last_pull_at)).toBeLessThan(10_000);
    await db(app).query(`UPDATE bouncers SET last_pull_at = now() - interval '15 minutes' WHERE id = $1`, [id]);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = metrics.split('\n').find((l) => l.startsWith('ids_bouncer_last_pull_age_seconds{bouncer="fw-health"}'));
    expect(line).toBeDefined();
    const age = Number(line!.split(' ').pop());
    expect(age).toBeGreaterThanOrEqual(900);
    expect(age).toBeLessThan(960);
    await admin('DELETE', `/bouncers/${id}`);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('bouncer="fw-health"');
  });

  // last: the restart leaves the metric registry with the first application's collectors
  it('overlapping pulls of one bouncer send each change once, and cursors survive a restart of the application', async () => {
    const { key } = await newBouncer('fw-concurrent');
    await pull(key, '?startup=true');
    const id = await block('192.0.2.60', { duration: 600 });
    const together = await Promise.all(Array.from({ length: 6 }, () => pull(key)));
    expect(together.flatMap((r) => (r.new ?? []).map((d: { id: number }) => d.id))).toEqual([Number(id)]);
    await as('DELETE', `/network/unblock/${id}`);
    const deletes = await Promise.all(Array.from({ length: 6 }, () => pull(key)));
    expect(deletes.flatMap((r) => (r.deleted ?? []).map((d: { id: number }) => d.id))).toEqual([Number(id)]);

    const later = await block('192.0.2.61', { duration: 600 });
    await app.close();
    app = await env.app();
    s = await sessions(app);
    const afterRestart = await pull(key);
    expect(afterRestart).toEqual({ new: [expect.objectContaining({ id: Number(later), value: '192.0.2.61' })], deleted: null });
    await as('DELETE', `/network/unblock/${later}`);
    expect((await pull(key)).deleted.map((d: { id: number }) => d.id)).toEqual([Number(later)]);
  });
});
