import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AlertCandidate, AlertColumns, planAlerts, raiseAlerts } from '../../src/flows/ingest/alert-dedup.writer';
import { IngestWriter } from '../../src/flows/ingest/ingest-writer.service';
import { createTestApp } from '../utils/create-test-app';
import { createDatabase, dropDatabase, runMigrations, uniqueName } from '../setup/test-database';

jest.setTimeout(120_000);

const GROWN_TO = 60_000;
const VICTIM = '198.19.7.1';

/**
 * The de-duplication lookup of a new installation: `alerts` takes its first batches while small, then grows by
 * tens of thousands of alerts of one destination (an alert storm) before anything has analysed it. Every later
 * batch must still find each key's open alert through `ix_alerts_dedup`, reading a few index entries per key,
 * not every alert of the destination (as a plan cached while the table was small did: on a small table the
 * planner sees no difference between that index and the destination's).
 */
describe('alert de-duplication on a table that grew after its first batches', () => {
  const name = uniqueName('ids_dedup_plan');
  let app: NestFastifyApplication;
  let db: DataSource;
  let columns: AlertColumns;

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
    const outcome = await raiseAlerts(client, plan, columns);
    const after = await reads(client);
    await client.query('COMMIT');
    return { ...outcome, reads: { indexEntries: after.indexEntries - before.indexEntries, tableRows: after.tableRows - before.tableRows } };
  };

  beforeAll(async () => {
    const url = await createDatabase(name);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url });
    db = app.get(DataSource);
    columns = (app.get(IngestWriter) as unknown as { alertColumns: AlertColumns }).alertColumns;
    // nothing analyses the table during the test
    await db.query(`ALTER TABLE alerts SET (autovacuum_enabled = false)`);
  });
  afterAll(async () => {
    await app?.close();
    await dropDatabase(name);
  });

  it('finds open alerts through ix_alerts_dedup, a few index entries per key', async () => {
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
