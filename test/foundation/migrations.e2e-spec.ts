import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { createDatabase, dropDatabase, uniqueName } from '../setup/test-database';

/** Tables of the product (later migrations may add more; each must also go away on revert). */
const CORE_TABLES = [
  'alert_events', 'alerts', 'allowlist_entries', 'api_keys', 'attack_types', 'audit_log', 'feedback_examples',
  'flows', 'model_versions', 'network_actions', 'refresh_tokens', 'stats_minute', 'stats_model_day',
  'stats_sources_hour', 'users', 'webhook_deliveries', 'webhooks',
];

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { relname: string }[] = await ds.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'migrations'
      ORDER BY 1`,
  );
  return rows.map((r) => r.relname);
}

describe('migrations on an empty database', () => {
  const name = uniqueName('ids_mig');
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource(buildDataSourceOptions(await createDatabase(name), 2));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(name);
  });

  it('apply, create the whole schema, and revert cleanly', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBeGreaterThan(0);
    const created = await tables(ds);
    expect(created).toEqual(expect.arrayContaining(CORE_TABLES));

    const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM attack_types WHERE is_attack`);
    expect(count).toBeGreaterThanOrEqual(14);
    const partitions = await ds.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'flows'::regclass`,
    );
    expect(partitions[0].n).toBeGreaterThanOrEqual(4); // default + today + two days ahead
    await expect(ds.query(`INSERT INTO audit_log (actor_type, action) VALUES ('system', 'x')`)).resolves.toBeDefined();
    await expect(ds.query(`UPDATE audit_log SET action = 'y'`)).rejects.toThrow(/append-only/);

    for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual([]);
    const types = await ds.query(`SELECT typname FROM pg_type WHERE typname IN ('user_role', 'alert_status')`);
    expect(types).toEqual([]);

    // and apply again after a full revert
    await ds.runMigrations({ transaction: 'each' });
    expect(await tables(ds)).toEqual(created);
  });
});
