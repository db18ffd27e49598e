import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { createDatabase, dropDatabase, runMigrations, testRedisPrefix, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login } from '../utils/factories';

type MinuteRow = [bucket: string, attackType: string, flows: number, alerts: number];

/**
 * Statistics over known rollups, alerts and actions. The spec runs on a database of its own, so every count is
 * exact (other specs ingest into the run's shared database at the same time).
 */
describe('statistics', () => {
  const dbName = uniqueName('ids_stats');
  let app: NestFastifyApplication;
  let db: DataSource;
  let token: string;
  let dbUrl: string;

  /** Adds to stats_minute the way the ingest pipeline does (upsert), so the hourly rollup triggers run. */
  const addMinutes = (rows: MinuteRow[]) =>
    db.query(
      `INSERT INTO stats_minute (bucket, attack_type, flows, alerts)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (bucket, attack_type) DO UPDATE
         SET flows = stats_minute.flows + EXCLUDED.flows, alerts = stats_minute.alerts + EXCLUDED.alerts`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
    );
  const get = async (url: string, expected = 200) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/stats/${url}`, headers: bearer(token) });
    expect([url, res.statusCode, res.statusCode === expected ? '' : res.body]).toEqual([url, expected, '']);
    return res.json();
  };
  const series = (body: { series: { attack_type: string }[] }, type: string) => body.series.find((s) => s.attack_type === type);

  beforeAll(async () => {
    dbUrl = await createDatabase(dbName);
    await runMigrations(dbUrl);
    app = await createTestApp({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: testRedisPrefix('-stats'), STATS_CACHE_TTL_SECONDS: '0' });
    db = app.get(DataSource);
    token = (await login(app, await createUser(app, { role: Role.VIEWER }))).access_token;

    await addMinutes([
      ['2001-03-03T23:59:00Z', 'BENIGN', 1000, 0], // before every period below
      ['2001-03-04T10:00:00Z', 'BENIGN', 60, 0],
      ['2001-03-04T10:00:00Z', 'DDoS', 3, 3],
      ['2001-03-04T10:59:00Z', 'DDoS', 1, 1],
      ['2001-03-04T11:00:00Z', 'BENIGN', 50, 0],
      ['2001-03-04T13:30:00Z', 'PortScan', 7, 7],
      ['2001-03-04T23:59:00Z', 'BENIGN', 10, 0],
      ['2001-03-05T00:00:00Z', 'BENIGN', 20, 0],
      ['2001-03-06T00:00:00Z', 'BENIGN', 999, 0], // after
    ]);
    // a second batch into existing minutes (the UPDATE path of INSERT … ON CONFLICT, and of the hourly triggers)
    await addMinutes([['2001-03-04T10:00:00Z', 'DDoS', 2, 2], ['2001-03-04T10:00:00Z', 'BENIGN', 40, 0]]);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await dropDatabase(dbName);
  }, 30_000);

  describe('timeline', () => {
    it('sums hour buckets at the hour boundaries and fills gaps with zeros', async () => {
      const body = await get('timeline?from=2001-03-04T10:00:00Z&to=2001-03-04T14:00:00Z&bucket=1h');
      expect(body).toMatchObject({ from: '2001-03-04T10:00:00.000Z', to: '2001-03-04T14:00:00.000Z', bucket: '1h' });
      expect(body.buckets).toEqual(['2001-03-04T10:00:00.000Z', '2001-03-04T11:00:00.000Z', '2001-03-04T12:00:00.000Z', '2001-03-04T13:00:00.000Z']);
      expect(body.total).toEqual({ flows: [106, 50, 0, 7], alerts: [6, 0, 0, 7] });
      expect(body.series.map((s: { attack_type: string }) => s.attack_type)).toEqual(['BENIGN', 'PortScan', 'DDoS']);
      expect(series(body, 'BENIGN')).toEqual({ attack_type: 'BENIGN', flows: [100, 50, 0, 0], alerts: [0, 0, 0, 0], total_flows: 150, total_alerts: 0 });
      expect(series(body, 'DDoS')).toMatchObject({ flows: [6, 0, 0, 0], alerts: [6, 0, 0, 0] });
      expect(series(body, 'PortScan')).toMatchObject({ flows: [0, 0, 0, 7], alerts: [0, 0, 0, 7] });
    });

    it('gives minute buckets, the period floored to whole buckets', async () => {
      const body = await get('timeline?from=2001-03-04T10:58:30Z&to=2001-03-04T11:01:00Z&bucket=1m');
      expect(body.buckets).toEqual(['2001-03-04T10:58:00.000Z', '2001-03-04T10:59:00.000Z', '2001-03-04T11:00:00.000Z']);
      expect(series(body, 'BENIGN')).toMatchObject({ flows: [0, 0, 50] });
      expect(series(body, 'DDoS')).toMatchObject({ flows: [0, 1, 0], alerts: [0, 1, 0] });
    });

    it('cuts day buckets at UTC midnight and leaves out what is outside the period', async () => {
      const body = await get('timeline?from=2001-03-04T00:00:00Z&to=2001-03-06T00:00:00Z&bucket=1d');
      expect(body.buckets).toEqual(['2001-03-04T00:00:00.000Z', '2001-03-05T00:00:00.000Z']);
      expect(series(body, 'BENIGN')).toMatchObject({ flows: [160, 20] });
      expect(body.total).toEqual({ flows: [173, 20], alerts: [13, 0] });
    });

    it('answers an empty period with zero buckets and no series', async () => {
      const body = await get('timeline?from=2001-01-01T00:00:00Z&to=2001-01-01T03:00:00Z&bucket=1h');
      expect(body.buckets).toHaveLength(3);
      expect(body.total).toEqual({ flows: [0, 0, 0], alerts: [0, 0, 0] });
      expect(body.series).toEqual([]);
    });

    it('ends a relative range with the current bucket and leaves out older data', async () => {
      const hourAgo = new Date(Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000);
      const threeDaysAgo = new Date(hourAgo.getTime() - 3 * 86_400_000);
      await addMinutes([[hourAgo.toISOString(), 'Bot', 4, 4], [threeDaysAgo.toISOString(), 'Bot', 40, 40]]);
      const body = await get('timeline?range=24h&bucket=1h');
      expect(body.buckets).toHaveLength(25);
      expect(Date.parse(body.to)).toBeGreaterThan(Date.now());
      expect(series(body, 'Bot')).toMatchObject({ total_flows: 4, total_alerts: 4 });
      const hourly = await get('timeline?range=7d');
      expect(hourly.bucket).toBe('1h');
      expect(series(hourly, 'Bot')).toMatchObject({ total_flows: 44 });
    });

    it('refuses bad periods and too many buckets, naming the field', async () => {
      const field = async (query: string) => {
        const res = await app.inject({ method: 'GET', url: `/api/v1/stats/timeline?${query}`, headers: bearer(token) });
        expect([query, res.statusCode]).toEqual([query, 400]);
        return res.json().details.map((d: { field: string }) => d.field);
      };
      expect(await field('range=7d&bucket=1m')).toEqual(['bucket']);
      expect(await field('from=2001-01-01T00:00:00Z&to=2001-03-01T00:00:00Z&bucket=1m')).toEqual(['bucket']);
      expect(await field('bucket=5m')).toEqual(['bucket']);
      expect(await field('range=2d')).toEqual(['range']);
      expect(await field('range=1h&from=2001-01-01T00:00:00Z')).toEqual(['range']);
      expect(await field('from=yesterday')).toEqual(['from']);
      expect(await field('from=2001-01-02T00:00:00Z&to=2001-01-01T00:00:00Z')).toEqual(['to']);
      expect(await field('unknown=1')).toEqual(['unknown']);
    });
  });

  describe('breakdowns', () => {
    beforeAll(async () => {
      await db.query(
        `INSERT INTO stats_sources_hour (bucket, direction, ip, flows, alerts) VALUES
           ('2001-03-04T10:00:00Z', 'src', '198.51.100.1', 10, 0),
           ('2001-03-04T10:00:00Z', 'src', '198.51.100.2', 3, 3),
           ('2001-03-04T10:00:00Z', 'src', '198.51.100.3', 50, 3),
           ('2001-03-04T12:00:00Z', 'src', '198.51.100.2', 1, 1),
           ('2001-03-04T14:00:00Z', 'src', '198.51.100.9', 1000, 1000),
           ('2001-03-04T10:00:00Z', 'dst', '203.0.113.9', 63, 6),
           ('2001-03-04T12:00:00Z', 'dst', '2001:db8::1', 1, 1)`,
      );
      await db.query(
        `INSERT INTO network_actions (action_type, target, status, is_automatic, created_at) VALUES
           ('block_ip', '198.51.100.2', 'active', true, '2001-03-04T10:05:00Z'),
           ('block_ip', '198.51.100.3', 'active', true, '2001-03-04T11:00:00Z'),
           ('block_ip', '198.51.100.4', 'revoked', false, '2001-03-04T12:00:00Z'),
           ('block_port', '22/tcp', 'expired', true, '2001-03-04T13:59:00Z'),
           ('block_ip', '198.51.100.5', 'expired', false, '2001-03-04T14:00:00Z')`,
      );
    });

    it('covers exactly the last hour with range=1h: whole hours from the rollup, the partial ones from the flows', async () => {
      const now = Date.now();
      const inside = new Date(now - 30 * 60_000);
      const outside = new Date(now - 61 * 60_000); // in the hour the hourly rollup used to add whole
      const hour = (t: Date) => new Date(Math.floor(t.getTime() / 3_600_000) * 3_600_000);
      // as the ingest pipeline leaves them: the flows, and the hourly rollup counting them
      await db.query(
        `INSERT INTO flows (received_at, src_ip, dst_ip, source, raw_features) VALUES
           ($1, '192.0.2.10', '192.0.2.99', 'api', '{}'), ($1, '192.0.2.10', '192.0.2.99', 'api', '{}'),
           ($2, '192.0.2.20', '192.0.2.99', 'api', '{}')`,
        [inside, outside],
      );
      await db.query(
        `INSERT INTO stats_sources_hour (bucket, direction, ip, flows, alerts) VALUES
           ($1, 'src', '192.0.2.10', 2, 0), ($2, 'src', '192.0.2.20', 1, 0)`,
        [hour(inside), hour(outside)],
      );
      const body = await get('top-sources?range=1h');
      expect(Date.parse(body.to) - Date.parse(body.from)).toBe(3_600_000);
      expect(Date.parse(body.to)).toBeGreaterThanOrEqual(now);
      expect(body.items).toEqual([{ ip: '192.0.2.10', flows: 2, alerts: 0 }]);
      const destinations = await get('top-destinations?range=1h');
      expect(destinations.items).toEqual([{ ip: '192.0.2.99', flows: 2, alerts: 0 }]);
    });

    it('ranks source and destination addresses by alerts, then flows', async () => {
      const sources = await get('top-sources?from=2001-03-04T10:00:00Z&to=2001-03-04T14:00:00Z');
      expect(sources).toEqual({
        from: '2001-03-04T10:00:00.000Z',
        to: '2001-03-04T14:00:00.000Z',
        direction: 'src',
        items: [
          { ip: '198.51.100.2', flows: 4, alerts: 4 },
          { ip: '198.51.100.3', flows: 50, alerts: 3 },
          { ip: '198.51.100.1', flows: 10, alerts: 0 },
        ],
      });
      expect((await get('top-sources?from=2001-03-04T10:00:00Z&to=2001-03-04T14:00:00Z&limit=2')).items).toHaveLength(2);
      const destinations = await get('top-destinations?from=2001-03-04T10:00:00Z&to=2001-03-04T13:00:00Z');
      expect(destinations.items).toEqual([
        { ip: '203.0.113.9', flows: 63, alerts: 6 },
        { ip: '2001:db8::1', flows: 1, alerts: 1 },
      ]);
      const tooMany = await app.inject({ method: 'GET', url: '/api/v1/stats/top-sources?limit=101', headers: bearer(token) });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().details[0].field).toBe('limit');
    });

    it('gives flows, alerts and share per class to the minute (whole hours plus partial hours at either end)', async () => {
      const day = await get('attack-types?from=2001-03-04T10:00:00Z&to=2001-03-05T00:30:00Z');
      expect(day).toMatchObject({ total_flows: 193, total_alerts: 13 });
      expect(day.items).toEqual([
        { attack_type: 'BENIGN', severity: 'none', flows: 180, alerts: 0, share: Math.round((180 / 193) * 1e6) / 1e6 },
        { attack_type: 'PortScan', severity: 'medium', flows: 7, alerts: 7, share: Math.round((7 / 193) * 1e6) / 1e6 },
        { attack_type: 'DDoS', severity: 'critical', flows: 6, alerts: 6, share: Math.round((6 / 193) * 1e6) / 1e6 },
      ]);
      const partial = await get('attack-types?from=2001-03-04T10:30:00Z&to=2001-03-04T13:45:00Z');
      expect(partial.items.map((i: { attack_type: string; flows: number }) => [i.attack_type, i.flows])).toEqual([
        ['BENIGN', 50],
        ['PortScan', 7],
        ['DDoS', 1],
      ]);
      const inside = await get('attack-types?from=2001-03-04T10:10:00Z&to=2001-03-04T10:50:00Z');
      expect(inside).toMatchObject({ total_flows: 0, items: [] });
    });

    it('counts network actions by type and status, automatic vs manual', async () => {
      const body = await get('actions?from=2001-03-04T10:00:00Z&to=2001-03-04T14:00:00Z');
      expect(body).toMatchObject({ total: 4, automatic: 3, manual: 1 });
      expect(body.by_type).toEqual([
        { action_type: 'block_ip', total: 3, automatic: 2, manual: 1 },
        { action_type: 'block_port', total: 1, automatic: 1, manual: 0 },
      ]);
      expect(body.by_status).toEqual([
        { status: 'pending', total: 0, automatic: 0, manual: 0 },
        { status: 'active', total: 2, automatic: 2, manual: 0 },
        { status: 'expired', total: 1, automatic: 1, manual: 0 },
        { status: 'revoked', total: 1, automatic: 0, manual: 1 },
        { status: 'failed', total: 0, automatic: 0, manual: 0 },
      ]);
      expect(body.items).toEqual(expect.arrayContaining([{ action_type: 'block_ip', status: 'active', total: 2, automatic: 2, manual: 0 }]));
    });
  });

  describe('overview and model', () => {
    beforeAll(async () => {
      const alerts: [string, string, string | null][] = [
        ['active', 'high', 'v1'],
        ['active', 'critical', 'v1'],
        ['investigating', 'low', 'v1'],
        ['resolved', 'medium', 'v1'],
        ['false_positive', 'high', 'v1'],
        ['false_positive', 'low', 'v2'],
        ['resolved', 'low', 'v2'],
        ['resolved', 'low', 'v2'],
        ['resolved', 'low', 'v2'],
        ['active', 'low', null],
      ];
      await db.query(
        `INSERT INTO alerts (attack_type, risk_level, status, confidence, max_confidence, model_version)
         SELECT 'DDoS', r::risk_level, s::alert_status, 0.9, 0.9, v FROM unnest($1::text[], $2::text[], $3::text[]) AS t (s, r, v)`,
        [alerts.map((a) => a[0]), alerts.map((a) => a[1]), alerts.map((a) => a[2])],
      );
      // the application registered the shipped model at start-up; this test owns the registry
      await db.query(`DELETE FROM model_versions`);
      await db.query(
        `INSERT INTO model_versions (version, artifact_path, backend, is_active, activated_at) VALUES
           ('v1', '/models/v1', 'tfjs', false, NULL), ('v2', '/models/v2', 'tfjs', true, '2001-03-06T00:00:00Z')`,
      );
      await db.query(
        `INSERT INTO stats_model_day (bucket, model_version, predicted_label, predictions) VALUES
           ('2001-03-04', 'v1', 'BENIGN', 100), ('2001-03-04', 'v1', 'DDoS', 20), ('2001-03-05', 'v1', 'BENIGN', 50),
           ('2001-03-06', 'v2', 'BENIGN', 30), ('2001-03-06', 'v2', 'PortScan', 10)`,
      );
    });

    it('counts alerts by status and risk, blocks in force, the active model and the last complete minute', async () => {
      // stay clear of a minute boundary between seeding and asking
      if (new Date().getUTCSeconds() >= 55) await new Promise((r) => setTimeout(r, (61 - new Date().getUTCSeconds()) * 1000));
      const minute = Math.floor(Date.now() / 60_000) * 60_000;
      const at = (offset: number) => new Date(minute + offset * 60_000).toISOString();
      await addMinutes([
        [at(-1), 'BENIGN', 120, 0],
        [at(-1), 'DDoS', 30, 30],
        [at(0), 'BENIGN', 9999, 0], // the current minute, still filling: not used
        [at(-2), 'BENIGN', 5555, 0],
      ]);
      const body = await get('overview');
      expect(body.alerts).toEqual({
        total: 10,
        open: 4,
        by_status: { active: 3, investigating: 1, resolved: 4, false_positive: 2 },
        by_risk_level: { low: 6, medium: 1, high: 2, critical: 1 },
        open_by_risk_level: { low: 2, medium: 0, high: 1, critical: 1 },
      });
      expect(body.traffic).toEqual({
        window_from: at(-1),
        window_to: at(0),
        flows: 150,
        alert_verdicts: 30,
        flows_per_second: 2.5,
        alerts_per_minute: 30,
      });
      expect(body.active_blocks).toBe(2);
      expect(body.model).toEqual({ version: 'v2', backend: 'tfjs', activated_at: '2001-03-06T00:00:00.000Z' });
    }, 20_000);

    it('gives predictions per class and the false-positive rate per model version', async () => {
      const body = await get('model');
      expect(body.active_version).toBe('v2');
      expect(body.versions).toEqual([
        {
          model_version: 'v2',
          is_active: true,
          predictions: 40,
          by_label: [
            { label: 'BENIGN', predictions: 30, share: 0.75 },
            { label: 'PortScan', predictions: 10, share: 0.25 },
          ],
          reviewed_alerts: 4,
          false_positives: 1,
          false_positive_rate: 0.25,
        },
        {
          model_version: 'v1',
          is_active: false,
          predictions: 170,
          by_label: [
            { label: 'BENIGN', predictions: 150, share: Math.round((150 / 170) * 1e6) / 1e6 },
            { label: 'DDoS', predictions: 20, share: Math.round((20 / 170) * 1e6) / 1e6 },
          ],
          reviewed_alerts: 2,
          false_positives: 1,
          false_positive_rate: 0.5,
        },
      ]);
    });

    it('is open to every role with view_stats, not to anonymous callers', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/v1/stats/overview' })).statusCode).toBe(401);
      for (const role of [Role.SECURITY, Role.ADMIN]) {
        const session = await login(app, await createUser(app, { role }));
        expect((await app.inject({ method: 'GET', url: '/api/v1/stats/model', headers: bearer(session.access_token) })).statusCode).toBe(200);
      }
    });
  });

  describe('cache', () => {
    let cached: NestFastifyApplication;

    beforeAll(async () => {
      cached = await createTestApp({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: testRedisPrefix('-stats-cached'), STATS_CACHE_TTL_SECONDS: '60' });
    }, 30_000);
    afterAll(async () => {
      await cached?.close();
    });

    it('serves the same normalised query from Redis for the TTL', async () => {
      const ask = async (query: string) =>
        (await cached.inject({ method: 'GET', url: `/api/v1/stats/timeline?${query}`, headers: bearer(token) })).json();
      const first = await ask('from=2001-02-01T10:00:00Z&to=2001-02-01T12:00:00Z&bucket=1h');
      expect(first.total.flows).toEqual([0, 0]);
      await addMinutes([['2001-02-01T10:30:00Z', 'BENIGN', 8, 0]]);
      // same buckets once aligned: the same cache entry
      expect((await ask('from=2001-02-01T10:20:00Z&to=2001-02-01T11:10:00Z&bucket=1h')).total.flows).toEqual([0, 0]);
      expect((await get('timeline?from=2001-02-01T10:00:00Z&to=2001-02-01T12:00:00Z&bucket=1h')).total.flows).toEqual([8, 0]);
      expect((await ask('from=2001-02-01T10:00:00Z&to=2001-02-01T13:00:00Z&bucket=1h')).total.flows).toEqual([8, 0, 0]);
    });
  });
});
