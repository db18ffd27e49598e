import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertEntity, AlertStatus, RiskLevel } from '../../src/alerts/alert.entity';
import { Role } from '../../src/core/permissions';
import { createAlert, createAlerts, uniqueTag } from '../utils/alert-factory';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUserSession, Session } from '../utils/factories';

const ago = (ms: number) => new Date(Date.now() - ms);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('GET /api/v1/alerts', () => {
  let app: NestFastifyApplication;
  let viewer: Session;
  const list = (query: string) => app.inject({ method: 'GET', url: `/api/v1/alerts?${query}`, headers: bearer(viewer.access_token) });
  const idsOf = async (query: string) => {
    const res = await list(query);
    expect([query, res.statusCode]).toEqual([query, 200]);
    return res.json().items.map((a: { id: string }) => a.id);
  };

  beforeAll(async () => {
    app = await createTestApp();
    viewer = (await createUserSession(app, Role.VIEWER)).session;
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('filters (each proven on its own, then combined)', () => {
    const tag = uniqueTag('list');
    const q = (query: string) => idsOf(`model_version=${tag}&${query}`);
    let a: Record<'recent' | 'hours' | 'days' | 'week' | 'old', AlertEntity>;
    let other: Session;

    beforeAll(async () => {
      other = (await createUserSession(app, Role.SECURITY)).session;
      const base = { modelVersion: tag };
      a = {
        recent: await createAlert(app, { ...base, status: AlertStatus.ACTIVE, riskLevel: RiskLevel.HIGH, attackType: 'DDoS', srcIp: '198.18.1.10', dstIp: '10.0.0.5', createdAt: ago(10 * MIN), assigneeId: viewer.user.id }),
        hours: await createAlert(app, { ...base, status: AlertStatus.INVESTIGATING, riskLevel: RiskLevel.CRITICAL, attackType: 'PortScan', srcIp: '198.18.2.20', dstIp: '10.1.0.5', createdAt: ago(3 * HOUR) }),
        days: await createAlert(app, { ...base, status: AlertStatus.RESOLVED, riskLevel: RiskLevel.LOW, attackType: 'Bot', srcIp: '203.0.113.7', dstIp: '10.0.0.6', createdAt: ago(2 * DAY) }),
        week: await createAlert(app, { ...base, status: AlertStatus.FALSE_POSITIVE, riskLevel: RiskLevel.MEDIUM, attackType: 'DDoS', srcIp: '2001:db8::5', dstIp: null, createdAt: ago(10 * DAY), assigneeId: other.user.id }),
        old: await createAlert(app, { ...base, status: AlertStatus.ACTIVE, riskLevel: RiskLevel.MEDIUM, attackType: 'SSH-Patator', srcIp: '198.18.1.11', dstIp: '10.0.0.7', createdAt: ago(40 * DAY) }),
      };
    });

    it('returns the page shape, newest first by default', async () => {
      const res = await list(`model_version=${tag}`);
      expect(res.json().meta).toEqual({ next_cursor: null, limit: 50 });
      expect(res.json().items.map((x: { id: string }) => x.id)).toEqual([a.recent.id, a.hours.id, a.days.id, a.week.id, a.old.id]);
      expect(res.json().items[0]).toMatchObject({ id: a.recent.id, status: 'active', risk_level: 'high', src_ip: '198.18.1.10', assignee_id: viewer.user.id });
    });

    it('by status, one or several (comma-separated or repeated)', async () => {
      expect(await q('status=active')).toEqual([a.recent.id, a.old.id]);
      expect(await q('status=investigating,resolved')).toEqual([a.hours.id, a.days.id]);
      expect(await q('status=false_positive&status=resolved')).toEqual([a.days.id, a.week.id]);
    });

    it('by severity (risk level)', async () => {
      expect(await q('severity=critical')).toEqual([a.hours.id]);
      expect(await q('severity=low,medium')).toEqual([a.days.id, a.week.id, a.old.id]);
    });

    it('by attack type', async () => {
      expect(await q('attack_type=DDoS')).toEqual([a.recent.id, a.week.id]);
      expect(await q('attack_type=Bot&attack_type=SSH-Patator')).toEqual([a.days.id, a.old.id]);
      expect(await q('attack_type=Heartbleed')).toEqual([]);
    });

    it('by source or destination address or CIDR (IPv4 and IPv6)', async () => {
      expect(await q('src_ip=198.18.1.0/24')).toEqual([a.recent.id, a.old.id]);
      expect(await q('src_ip=198.18.1.10')).toEqual([a.recent.id]);
      expect(await q('src_ip=198.18.0.0/15')).toEqual([a.recent.id, a.hours.id, a.old.id]);
      expect(await q('src_ip=2001:db8::/32')).toEqual([a.week.id]);
      expect(await q('dst_ip=10.0.0.0/24')).toEqual([a.recent.id, a.days.id, a.old.id]);
      expect(await q(`src_ip=${encodeURIComponent('198.18.1.10/32')}&dst_ip=10.0.0.5`)).toEqual([a.recent.id]);
    });

    it('by time range or from/to (created_at)', async () => {
      expect(await q('range=1h')).toEqual([a.recent.id]);
      expect(await q('range=6h')).toEqual([a.recent.id, a.hours.id]);
      expect(await q('range=24h')).toEqual([a.recent.id, a.hours.id]);
      expect(await q('range=7d')).toEqual([a.recent.id, a.hours.id, a.days.id]);
      expect(await q('range=30d')).toEqual([a.recent.id, a.hours.id, a.days.id, a.week.id]);
      const from = encodeURIComponent(ago(11 * DAY).toISOString());
      const to = encodeURIComponent(ago(1 * DAY).toISOString());
      expect(await q(`from=${from}&to=${to}`)).toEqual([a.days.id, a.week.id]);
      expect(await q(`to=${to}`)).toEqual([a.days.id, a.week.id, a.old.id]);
    });

    it('by assignee: a user id, me, or none', async () => {
      expect(await q('assignee=me')).toEqual([a.recent.id]);
      expect(await q(`assignee=${other.user.id}`)).toEqual([a.week.id]);
      expect(await q('assignee=none')).toEqual([a.hours.id, a.days.id, a.old.id]);
    });

    it('combines filters (all must hold)', async () => {
      expect(await q('status=active&severity=high,medium&src_ip=198.18.0.0/16&range=30d')).toEqual([a.recent.id]);
      expect(await q('status=active&attack_type=PortScan')).toEqual([]);
    });
  });

  it('shows every field of an alert as the alert itself does, in every sort order', async () => {
    const tag = uniqueTag('fields');
    // every nullable field set, timestamps with microseconds (the API shows milliseconds), evidence as ingest stores it
    const at = (iso: string) => app.get(DataSource).query(`SELECT $1::timestamptz AS t`, [iso]).then(([r]) => r.t as Date);
    const full = await createAlert(app, {
      modelVersion: tag,
      source: 'suricata',
      status: AlertStatus.RESOLVED,
      riskLevel: RiskLevel.CRITICAL,
      confidence: 0.8125,
      maxConfidence: 0.96875,
      srcIp: '2001:db8::17',
      dstIp: '198.18.4.4',
      srcPort: 0,
      dstPort: 65535,
      protocol: 17,
      eventCount: 42,
      flowId: '9007199254740993',
      flowReceivedAt: await at('1999-12-31T23:59:59.999999Z'),
      topProbabilities: [{ label: 'DDoS', probability: 0.8125 }, { label: 'BENIGN', probability: 0.1875 }],
      explanation: [{ feature: 'Flow IAT Max', value: 1e12, contribution: -0.25 }],
      anomalyScore: 0.5,
      details: { signature: 'ET SCAN', nested: { list: [1, 'two', null] } },
      assigneeId: viewer.user.id,
      resolutionReason: 'handled',
      resolvedBy: viewer.user.id,
      feedbackLabel: 'Bot',
    });
    await app.get(DataSource).query(
      `UPDATE alerts SET first_seen = '1969-07-20T20:17:40.123456Z', last_seen = '2026-11-21T10:00:00.000999Z',
              resolved_at = '2026-11-21T11:00:00.5Z', created_at = now() - interval '1 minute' + interval '0.000777 s'
        WHERE id = $1`,
      [full.id],
    );
    const detail = await app.inject({ method: 'GET', url: `/api/v1/alerts/${full.id}`, headers: bearer(viewer.access_token) });
    const { flows: _f, timeline: _t, network_actions: _n, ...expected } = detail.json();
    expect(expected).toMatchObject({ first_seen: '1969-07-20T20:17:40.123Z', last_seen: '2026-11-21T10:00:00.000Z', flow_id: '9007199254740993' });
    for (const sort of ['created_at', 'last_seen', 'confidence', 'risk_level']) {
      const res = await list(`model_version=${tag}&sort=${sort}`);
      expect([sort, res.json().items]).toEqual([sort, [expected]]);
    }
    const narrow = await list(`model_version=${tag}&src_ip=2001:db8::17`);
    expect(narrow.json().items).toEqual([expected]);
  });

  describe('validation: 400 naming the field, never a 500', () => {
    it.each([
      ['status=bogus', 'status'],
      ['status=active,', 'status'],
      ['severity=severe', 'severity'],
      ['src_ip=10.0.0.300', 'src_ip'],
      ['src_ip=1.2.3.4/33', 'src_ip'],
      [`src_ip=${encodeURIComponent("1.2.3.4'; DROP TABLE alerts; --")}`, 'src_ip'],
      ['src_ip=010.0.0.1', 'src_ip'],
      ['dst_ip=fe80::1%25eth0', 'dst_ip'],
      ['assignee=bob', 'assignee'],
      ['range=2h', 'range'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['range=1h&from=2026-01-01T00:00:00Z', 'range'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['limit=201', 'limit'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['sort=name', 'sort'],
      ['order=up', 'order'],
      ['cursor=garbage!', 'cursor'],
      [`model_version=${'x'.repeat(65)}`, 'model_version'],
      ['colour=red', 'colour'],
    ])('%s → 400 on %s', async (query, field) => {
      const res = await list(query);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it.each([
      'from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z',
      'from=0000-01-01T00:00:00Z',
      'to=1969-12-31T23:59:59.999Z',
      'src_ip=0.0.0.0/0&dst_ip=::/0',
      'src_ip=::ffff:198.18.0.0/112',
      `attack_type=${encodeURIComponent("Web Attack \u2013 XSS'; --")}`,
      `model_version=${encodeURIComponent("%_'\\")}`,
      `attack_type=${Array.from({ length: 50 }, (_, i) => `t${i}`).join(',')}`,
      `attack_type=${Array.from({ length: 51 }, (_, i) => `t${i}`).join(',')}`,
      'status=active&status=active',
      'limit=1&limit=2',
      'include_features=true',
      `cursor=${'A'.repeat(513)}`,
    ])('hostile but well-formed input is a 200 or a 400, never a 500: %s', async (query) => {
      const res = await list(query);
      expect([200, 400]).toContain(res.statusCode);
      if (res.statusCode === 400) expect(res.json().details.length).toBeGreaterThan(0);
    });

    it.each([
      ['month 13', { s: 'created_at', o: 'desc', k: ['2026-13-02T03:04:05.123456Z'], i: '1' }],
      ['an id beyond bigint', { s: 'created_at', o: 'desc', k: ['2026-01-02T03:04:05.123456Z'], i: '9223372036854775808' }],
      ['a real out of range', { s: 'confidence', o: 'desc', k: ['1e99'], i: '1' }],
    ])('a forged cursor with %s is a 400 on cursor', async (_what, body) => {
      const cursor = Buffer.from(JSON.stringify(body)).toString('base64url');
      const res = await list(`sort=${body.s}&cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
    });

    it('refuses a cursor from another sort', async () => {
      const tag = uniqueTag('cur');
      await createAlerts(app, [{ modelVersion: tag }, { modelVersion: tag }]);
      const first = (await list(`model_version=${tag}&limit=1`)).json();
      expect(first.meta.next_cursor).toEqual(expect.any(String));
      const res = await list(`model_version=${tag}&limit=1&sort=last_seen&cursor=${first.meta.next_cursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ field: 'cursor', reason: expect.stringMatching(/another sort/) }]);
    });
  });

  describe('keyset pagination', () => {
    const tag = uniqueTag('page');
    const COUNT = 23;

    beforeAll(async () => {
      await createAlerts(app, Array.from({ length: COUNT }, () => ({ modelVersion: tag })));
      // Ties on every sort key, and keys that differ by one microsecond (beyond a JS Date's precision)
      await app.get(DataSource).query(
        `UPDATE alerts SET
           created_at = '2026-03-01T10:00:00.000001Z'::timestamptz + (id % 4) * interval '1 microsecond',
           last_seen = '2026-03-01T11:00:00Z'::timestamptz + (id % 3) * interval '1 microsecond',
           confidence = (ARRAY[0.5, 0.75, 0.9, 0.123456789])[id % 4 + 1],
           risk_level = (ARRAY['low', 'medium', 'high', 'critical'])[(id / 4) % 4 + 1]::risk_level,
           src_ip = ('198.19.177.' || id % 200)::inet
         WHERE model_version = $1`,
        [tag],
      );
    });

    const ORDER_BY: Record<string, string> = {
      created_at: 'created_at',
      last_seen: 'last_seen',
      confidence: 'confidence',
      risk_level: 'risk_level, created_at',
    };

    async function walk(sort: string, order: string, limit: number, filter = ''): Promise<string[][]> {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await list(`model_version=${tag}${filter}&sort=${sort}&order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        pages.push(res.json().items.map((x: { id: string }) => x.id));
        cursor = res.json().meta.next_cursor;
        expect(pages.length).toBeLessThan(20);
      } while (cursor);
      return pages;
    }

    it.each(['created_at', 'last_seen', 'confidence', 'risk_level'].flatMap((s) => [[s, 'desc'], [s, 'asc']]))(
      'sort=%s order=%s: every alert once, in the database order, over more than two pages',
      async (sort, order) => {
        const keys = ORDER_BY[sort].split(', ').map((k) => `${k} ${order}`).join(', ');
        const expected = (await app.get(DataSource).query(`SELECT a.id::text AS id FROM alerts a WHERE a.model_version = $1 ORDER BY ${keys}, a.id ${order}`, [tag])).map(
          (r: { id: string }) => r.id,
        );
        const pages = await walk(sort, order, 5);
        expect(pages.length).toBe(5);
        expect(pages.slice(0, 4).every((p) => p.length === 5)).toBe(true);
        expect(pages.flat()).toEqual(expected);
        expect(new Set(pages.flat()).size).toBe(COUNT);
        // a narrow address filter reads the matches through the address index and sorts them: same pages
        expect(await walk(sort, order, 5, '&src_ip=198.19.177.0/24')).toEqual(pages);
      },
    );

    it('neither repeats nor skips when alerts arrive between pages', async () => {
      const first = (await list(`model_version=${tag}&limit=10`)).json();
      await createAlert(app, { modelVersion: tag, createdAt: new Date('2026-03-01T10:00:00Z') });
      const rest: string[] = [];
      let cursor = first.meta.next_cursor;
      while (cursor) {
        const page = (await list(`model_version=${tag}&limit=10&cursor=${cursor}`)).json();
        rest.push(...page.items.map((x: { id: string }) => x.id));
        cursor = page.meta.next_cursor;
      }
      const seen = [...first.items.map((x: { id: string }) => x.id), ...rest];
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(COUNT + 1); // the newcomer is older than every page: it comes last
    });
  });
});
