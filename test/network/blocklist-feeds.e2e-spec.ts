import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PORT } from './utils/firewall-driver.contract';
import { LAB, NetnsLab, describeWithNetns } from './utils/netns-lab';
import { FeedFirewall } from '../../src/network/feeds/firewall/feed-firewall';
import { FeedServer, fireholNetset } from './utils/feed-server';
import { NetworkTestEnv, Sessions, caller, db, eventually, metricValue, sessions } from './utils/network-test-app';

jest.setTimeout(120_000);

type Decision = { id: number; origin: string; scope: string; value: string; scenario: string; duration: string };
type Stream = { new: Decision[] | null; deleted: Decision[] | null };

/**
 * 10,000 entries that pass the guards: client A of the lab (to watch its traffic dropped), 9,997 hosts of
 * 198.19.128.0/17 and two IPv6 networks of 2001:2::/48 (benchmarking ranges, never routed off this machine).
 */
function acceptedEntries(): string[] {
  const hosts = Array.from({ length: 9_997 }, (_, i) => `198.19.${128 + Math.floor(i / 250)}.${(i % 250) + 1}`);
  return [LAB.clientA.v4, ...hosts, '2001:2:0:ff00::/56', '2001:2:0:fe00::/56'];
}
/** What the guards refuse: special-purpose ranges and an allowlisted address; plus one unreadable line. */
const REFUSED = ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '198.19.250.5'];
const UNREADABLE = 'not-an-address';

describeWithNetns('blocklist feeds: decisions and one nftables set from a FireHOL list on loopback', [['nft', 'list', 'ruleset']], () => {
  const env = new NetworkTestEnv();
  const lab = new NetnsLab('feeds');
  const server = new FeedServer();
  let app: NestFastifyApplication;
  let s: Sessions;
  let bouncerKey: string;
  let feedId: string;
  const admin = (...args: Parameters<ReturnType<typeof caller>>) => caller(app, s.admin)(...args);
  const security = (...args: Parameters<ReturnType<typeof caller>>) => caller(app, s.security)(...args);
  const pull = async (query = ''): Promise<Stream> => {
    const res = await app.inject({ method: 'GET', url: `/v1/decisions/stream${query}`, headers: { 'x-api-key': bouncerKey } });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const members = () => app.get(FeedFirewall).members(`feed${feedId}`);
  const entries = acceptedEntries();

  beforeAll(async () => {
    await env.setUp();
    await lab.up();
    await lab.listen([PORT]);
    await server.start();
    app = await env.app({ FIREWALL_DRIVER: 'nftables', FIREWALL_NETNS: lab.server, FIREWALL_RECONCILE_SECONDS: '1' });
    s = await sessions(app);
    expect((await admin('POST', '/network/allowlist', { cidr: '198.19.250.0/24', comment: 'partner network' })).statusCode).toBe(201);
    bouncerKey = (await admin('POST', '/bouncers', { name: 'feeds-fw' })).json().key;
  });
  afterAll(async () => {
    await app?.close();
    await server.stop();
    await lab.down();
    await env.tearDown();
  });

  it('a 10,000-entry FireHOL feed becomes 10,000 decisions and one firewall set in under 10 s; refusals are counted', async () => {
    server.publish(fireholNetset('firehol_test', [...REFUSED.slice(0, 2), ...entries, UNREADABLE, ...REFUSED.slice(2)]));
    expect(await pull('?startup=true')).toEqual({ new: null, deleted: null });
    expect(await connectA()).toBe('open');

    const started = Date.now();
    const res = await admin('POST', '/network/feeds', { name: 'firehol_test', url: server.url, refresh_seconds: 3600, enforce_firewall: true });
    expect(res.statusCode).toBe(201);
    feedId = res.json().id;
    const startup = await pull('?startup=true');
    await eventually('the feed set holds every entry', async () => (await members()).length === entries.length, 9_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);

    expect(res.json()).toMatchObject({
      name: 'firehol_test', source: 'url', format: 'firehol', entries: 10_000, refused: 4, invalid: 1, last_status: 'ok',
      refused_by_reason: { special_purpose: 3, allowlisted: 1 }, etag: '"v1"', enforce_firewall: true, last_added: 10_000,
    });
    expect(startup.new).toHaveLength(10_000);
    expect(new Set(startup.new!.map((d) => d.value))).toEqual(new Set(entries));
    expect(startup.new![0]).toMatchObject({ origin: 'firehol_test', type: 'ban', scenario: 'feed:firehol_test', duration: '87600h0m0s' });
    expect(startup.new!.find((d) => d.value === '2001:2:0:ff00::/56')).toMatchObject({ scope: 'Range' });
    expect(new Set(await members())).toEqual(new Set(entries));
    // one set per family in one table, one rule each: not one rule per entry
    const table = await lab.inServer(['nft', 'list', 'table', 'inet', 'ids_ai_feeds']);
    expect(table.match(/counter packets/g)).toHaveLength(4);
    expect(await connectA()).toBe('timeout');
    // the guards' refusals never reach the firewall or the bouncers
    expect(startup.new!.some((d) => REFUSED.includes(d.value))).toBe(false);
    expect(await metricValue(app, /ids_feed_entries\{feed="firehol_test"\} (\d+)/)).toBe(10_000);
    expect(await metricValue(app, /ids_feed_refused_entries\{feed="firehol_test"\} (\d+)/)).toBe(4);
  });

  it('refreshes with If-None-Match / If-Modified-Since: a 304 keeps the set and changes nothing for bouncers', async () => {
    const before = server.requests.length;
    const res = await security('POST', `/network/feeds/${feedId}/refresh`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ last_status: 'not_modified', entries: 10_000, consecutive_failures: 0 });
    const sent = server.requests[before];
    expect(sent['if-none-match']).toBe('"v1"');
    expect(sent['if-modified-since']).toBe(new Date(Date.UTC(2026, 11, 6, 10, 0, 1)).toUTCString());
    expect(await pull()).toEqual({ new: null, deleted: null });
    expect(await members()).toHaveLength(10_000);
  });

  it('removing 100 entries revokes exactly those at the next refresh: deleted once for the bouncer, out of the set', async () => {
    const removed = entries.slice(0, 100);
    server.publish(fireholNetset('firehol_test', entries.slice(100)));
    // the next scheduled refresh: made due now, the worker's next tick takes it
    await db(app).query(`UPDATE blocklist_feeds SET next_refresh_at = now() WHERE id = $1`, [feedId]);
    const feed = await eventually('refreshed by the scheduler', async () => {
      const f = (await admin('GET', `/network/feeds/${feedId}`)).json();
      return f.etag === '"v2"' ? f : null;
    }, 10_000);
    expect(feed).toMatchObject({ entries: 9_900, last_added: 0, last_removed: 100, last_status: 'ok' });
    const delta = await pull();
    expect(delta.new).toBeNull();
    expect(delta.deleted!.map((d) => d.value).sort()).toEqual([...removed].sort());
    expect(delta.deleted![0].origin).toBe('firehol_test');
    expect(await pull()).toEqual({ new: null, deleted: null });
    await eventually('the set shrank', async () => (await members()).length === 9_900, 9_000);
    expect((await members()).includes(LAB.clientA.v4)).toBe(false);
    expect(await connectA()).toBe('open');
  });

  it('a failed download keeps the entries, and is counted in the status and the metrics', async () => {
    server.fail(503);
    const res = (await admin('POST', `/network/feeds/${feedId}/refresh`)).json();
    expect(res).toMatchObject({ last_status: 'failed', entries: 9_900, consecutive_failures: 1, refresh_failures: 1 });
    expect(res.last_error).toContain('503');
    expect(await pull()).toEqual({ new: null, deleted: null });
    expect(await metricValue(app, /ids_feed_consecutive_failures\{feed="firehol_test"\} (\d+)/)).toBe(1);
    expect(await metricValue(app, /ids_feed_refreshes_total\{feed="firehol_test",outcome="failed"\} (\d+)/)).toBe(1);
    server.fail(null);
    expect((await admin('POST', `/network/feeds/${feedId}/refresh`)).json()).toMatchObject({ last_status: 'not_modified', consecutive_failures: 0 });
  });

  it('uploaded Spamhaus DROP lists: decisions with the feed as origin; a new upload, a re-check and a delete revoke once', async () => {
    const drop = '; Spamhaus DROP List 2026/12/06\n198.51.100.0/24 ; SBL000001\n203.0.113.0/25 ; SBL000002\n';
    const res = await admin('POST', '/network/feeds', { name: 'spamhaus_drop', content: drop });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'upload', format: 'spamhaus', entries: 2, url: null, refresh_seconds: null, enforce_firewall: false });
    const id = res.json().id;
    const first = await pull();
    expect(first.new!.map((d) => [d.value, d.origin, d.scenario]).sort()).toEqual([
      ['198.51.100.0/24', 'spamhaus_drop', 'feed:spamhaus_drop'],
      ['203.0.113.0/25', 'spamhaus_drop', 'feed:spamhaus_drop'],
    ]);
    const filtered = await app.inject({ method: 'GET', url: '/v1/decisions?ip=203.0.113.9', headers: { 'x-api-key': bouncerKey } });
    expect(filtered.json().map((d: Decision) => d.origin)).toEqual(['spamhaus_drop']);
    const upload = await admin('PUT', `/network/feeds/${id}/content`, { content: '198.51.100.0/24 ; SBL000001\n' });
    expect(upload.json()).toMatchObject({ entries: 1, last_removed: 1 });
    expect((await pull()).deleted!.map((d) => d.value)).toEqual(['203.0.113.0/25']);
    // an allowlist entry added later: refreshing the uploaded feed applies the guards to what it holds
    const allow = await admin('POST', '/network/allowlist', { cidr: '198.51.100.128/25', comment: 'partner' });
    expect(allow.statusCode).toBe(201);
    const reguarded = (await admin('POST', `/network/feeds/${id}/refresh`)).json();
    expect(reguarded).toMatchObject({ entries: 0, refused: 1, refused_by_reason: { allowlisted: 1 }, format: 'spamhaus' });
    const revoked = await pull();
    expect(revoked).toEqual({ new: null, deleted: [expect.objectContaining({ value: '198.51.100.0/24', origin: 'spamhaus_drop' })] });
    expect((await admin('DELETE', `/network/allowlist/${allow.json().id}`)).statusCode).toBe(204);
    await admin('PUT', `/network/feeds/${id}/content`, { content: '198.51.100.0/24 ; SBL000001\n' });
    expect((await pull()).new!.map((d) => d.value)).toEqual(['198.51.100.0/24']);
    expect((await admin('DELETE', `/network/feeds/${id}`)).statusCode).toBe(204);
    const deleted = [expect.objectContaining({ value: '198.51.100.0/24', origin: 'spamhaus_drop' })];
    expect(await pull()).toEqual({ new: null, deleted });
    expect(await pull()).toEqual({ new: null, deleted: null });
  });

  it('is admin-managed (security reads and refreshes), validated, unique by name and audited', async () => {
    expect((await security('POST', '/network/feeds', { name: 'x', content: '198.51.100.1\n' })).statusCode).toBe(403);
    expect((await caller(app, s.viewer)('GET', '/network/feeds')).statusCode).toBe(403);
    expect((await security('GET', '/network/feeds')).statusCode).toBe(200);
    const both = await admin('POST', '/network/feeds', { name: 'both', content: '198.51.100.1\n', url: server.url });
    expect(both.statusCode).toBe(400);
    expect((await admin('POST', '/network/feeds', { name: 'bad name', content: '1.2.3.4' })).statusCode).toBe(400);
    expect((await admin('POST', '/network/feeds', { name: 'ftp', url: 'ftp://127.0.0.1/x' })).statusCode).toBe(400);
    expect((await admin('POST', '/network/feeds', { name: 'ids-ai', content: '198.51.100.1\n' })).statusCode).toBe(400);
    expect((await admin('POST', '/network/feeds', { name: 'firehol_test', content: '198.51.100.1\n' })).statusCode).toBe(409);
    expect((await admin('GET', '/network/feeds/999999')).statusCode).toBe(404);
    const audit: { action: string }[] = await db(app).query(
      `SELECT action FROM audit_log WHERE target_type = 'blocklist_feed' AND target_id = $1 ORDER BY id`, [feedId],
    );
    expect(audit.map((a) => a.action)).toEqual(['network.feed.create', 'network.feed.refresh', 'network.feed.refresh', 'network.feed.refresh']);
  });

  it('disabling firewall enforcement removes the set; deleting the feed deletes its decisions once', async () => {
    expect((await admin('PATCH', `/network/feeds/${feedId}`, { enforce_firewall: false })).json()).toMatchObject({ enforce_firewall: false });
    await eventually('the set removed', async () => (await app.get(FeedFirewall).present()).length === 0, 9_000);
    expect((await admin('DELETE', `/network/feeds/${feedId}`)).statusCode).toBe(204);
    const gone = await pull();
    expect(gone.deleted).toHaveLength(9_900);
    expect(await pull()).toEqual({ new: null, deleted: null });
  });

  function connectA() {
    return lab.connect('clientA', LAB.clientA.serverV4, PORT);
  }
});
