import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AlertCandidate, planAlerts, raiseAlerts } from '../../src/alerts/ingest/alert-ingest.writer';
import { FlowRow } from '../../src/core/features';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';
import { createDatabase, dropDatabase, runMigrations, uniqueName } from '../setup/test-database';

jest.setTimeout(120_000);

const GROWN_TO = 60_000;
const VICTIM = '198.19.7.1';

/**
 * Alert de-duplication on a database of its own: keys without addresses are shared by every flow without them in
 * a database (other spec files post such flows at the same time), and the planner test needs a table no one else
 * grows or analyses.
 */
describe('alert de-duplication (a database of its own)', () => {
  const name = uniqueName('ids_dedup_plan');
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let rows: FlowRow[];

  /** Each test gets its own source subnet. */
  const flowFor = (row: FlowRow, i: number, subnet: number) =>
    sensorFlow(row, i, { flowId: `fixture-${subnet}-${i}`, srcIp: `198.18.${subnet}.${(i % 250) + 1}` });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { 'x-api-key': key }, payload: payload as object });
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params))[0].n);

  const severities = new Map([['DDoS', 'high' as const]]);
  const candidate = (src: string): AlertCandidate => ({
    attackType: 'DDoS', source: 'model', confidence: 0.9, srcIp: src, dstIp: VICTIM, srcPort: 40000, dstPort: 80, protocol: 6,
    seenAt: new Date(), flowId: null, flowReceivedAt: null, modelVersion: null, topProbabilities: null, explanation: null,
    anomalyScore: null, details: {},
  });
  /** What this backend has read of `alerts` (index entries over all its indexes, rows of sequential scans). */
  const reads = async (client: PoolClient) => {
    const { rows } = await client.query(
      `SELECT (SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index WHERE indrelid = 'alerts'::regclass)::bigint AS index_entries,
              pg_stat_get_xact_tuples_returned('alerts'::regclass)::bigint AS table_rows`,
    );
    return { indexEntries: Number(rows[0].index_entries), tableRows: Number(rows[0].table_rows) };
  };
  /**
   * One batch's alert statements in a transaction on `client`, and what they read of `alerts` (the backend's
   * counters are only flushed between transactions, so the difference is this batch's).
   */
  const batch = async (client: PoolClient, sources: string[]) => {
    await client.query('BEGIN');
    const before = await reads(client);
    const plan = await planAlerts(client, sources.map(candidate), severities, 300);
    const outcome = await raiseAlerts(client, plan);
    const after = await reads(client);
    await client.query('COMMIT');
    return { ...outcome, reads: { indexEntries: after.indexEntries - before.indexEntries, tableRows: after.tableRows - before.tableRows } };
  };

  beforeAll(async () => {
    const url = await createDatabase(name);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url });
    db = app.get(DataSource);
    key = await createApiKey(app);
    rows = await readFixtureRows();
    // nothing analyses the table during the test
    await db.query(`ALTER TABLE alerts SET (autovacuum_enabled = false)`);
  });
  afterAll(async () => {
    await app?.close();
    await dropDatabase(name);
  });

  it('de-duplicates flows without addresses by the addresses they have (a missing one matches only a missing one)', async () => {
    const ddos = rows.filter((r) => r.label === 'DDoS').slice(0, 3);
    const batch = (tag: string) => ({
      flows: ddos.flatMap((r, i) => {
        const flow = flowFor(r, i, 14);
        const { src_ip: _src, ...noSource } = { ...flow, flow_id: `nosrc-${tag}-${i}`, dst_ip: '198.19.14.1' };
        const { src_ip: _s, dst_ip: _d, ...noAddress } = { ...flow, flow_id: `noaddr-${tag}-${i}` };
        return [noSource, noAddress, { ...flow, flow_id: `both-${tag}-${i}`, src_ip: '198.18.14.1', dst_ip: '198.19.14.1' }];
      }),
    });
    const before = await count(`SELECT count(*) AS n FROM alerts WHERE src_ip IS NULL AND dst_ip IS NULL`);
    const first = await post('/flows/batch', batch('a'));
    const second = await post('/flows/batch', batch('b'));
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const linked = async (pattern: string) =>
      db.query(
        `SELECT a.id::text, a.src_ip, a.dst_ip, a.event_count, count(f.id)::int AS flows
           FROM flows f JOIN alerts a ON a.id = f.alert_id WHERE f.flow_id LIKE $1 GROUP BY a.id`,
        [pattern],
      );
    const noSource = await linked('nosrc-%');
    const noAddress = await linked('noaddr-%');
    const both = await linked('both-%');
    // one alert per key and attack type, holding the flows of both batches; the three keys never share an alert
    for (const group of [noSource, noAddress, both]) {
      expect(group.length).toBeGreaterThan(0);
      for (const a of group) expect(a.event_count).toBe(a.flows);
      expect(group.reduce((n: number, a: { flows: number }) => n + a.flows, 0)).toBeGreaterThanOrEqual(2 * (ddos.length - 1));
    }
    expect(noSource.every((a: { src_ip: string | null; dst_ip: string }) => a.src_ip === null && a.dst_ip === '198.19.14.1')).toBe(true);
    expect(noAddress.every((a: { src_ip: string | null; dst_ip: string | null }) => a.src_ip === null && a.dst_ip === null)).toBe(true);
    expect(both.every((a: { src_ip: string | null }) => a.src_ip === '198.18.14.1')).toBe(true);
    expect(new Set([...noSource, ...noAddress, ...both].map((a: { id: string }) => a.id)).size).toBe(noSource.length + noAddress.length + both.length);
    expect(await count(`SELECT count(*) AS n FROM alerts WHERE src_ip IS NULL AND dst_ip IS NULL`)).toBe(before + noAddress.length);
    expect(second.json().alerts_raised).toBe(0);
  });

  /**
   * The lookup of a new installation: `alerts` takes its first batches while small, then grows by tens of
   * thousands of alerts of one destination (an alert storm) before anything has analysed it. Every later batch
   * must still find each key's open alert through `ix_alerts_dedup`, reading a few index entries per key, not
   * every alert of the destination (as a plan cached while the table was small did: on a small table the planner
   * sees no difference between that index and the destination's).
   */
  it('finds open alerts through ix_alerts_dedup after the table grew unanalysed, a few index entries per key', async () => {
    const runner = db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      const storm = (from: number, to: number) =>
        db.query(
          `INSERT INTO alerts (attack_type, risk_level, confidence, max_confidence, src_ip, dst_ip, last_seen)
           SELECT 'DDoS', 'high', 0.9, 0.9, '198.18.0.0'::inet + i, $1::inet, now() FROM generate_series($2::int, $3::int) i`,
          [VICTIM, from, to],
        );
      // the first alerts of a storm, and batches of 100 new keys each on one connection
      await storm(1, 300);
      for (let b = 0; b < 8; b++) await batch(client, Array.from({ length: 100 }, (_, i) => `198.19.${70 + b}.${i + 1}`));
      // the storm goes on: alerts of one destination from many sources
      await storm(301, GROWN_TO);
      expect((await db.query(`SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname = 'alerts'`))[0]).toEqual({
        last_analyze: null,
        last_autoanalyze: null,
      });

      // 200 keys: 100 of storm sources (open alerts to fold into), 100 new
      const folded = Array.from({ length: 100 }, (_, i) => `198.18.${Math.floor((i * 500 + 1) / 256)}.${(i * 500 + 1) % 256}`);
      const fresh = Array.from({ length: 100 }, (_, i) => `198.19.80.${i + 1}`);
      const { updated, raised, reads } = await batch(client, [...folded, ...fresh]);
      expect({ updated: updated.length, raised: raised.length }).toEqual({ updated: 100, raised: 100 });
      // two lookups per key (the plan, then the fold under the locks) and the folded rows by primary key: a few
      // entries each, where a lookup by destination alone reads the 60,000 alerts of the victim per key
      expect(reads.tableRows).toBe(0);
      expect(reads.indexEntries).toBeLessThan(2_000);
    } finally {
      await runner.release();
    }
  });
});
