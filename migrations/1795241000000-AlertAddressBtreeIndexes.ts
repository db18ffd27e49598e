import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert list's address filters (`src_ip <<= cidr`) read through B-tree indexes instead of GiST: PostgreSQL
 * turns `<<=` with a constant network into a range of the B-tree (`>= 198.18.3.0 AND <= 198.18.3.255`), which
 * reads a few index pages where the GiST index walked some 150 for a /24 among a million alerts, and estimates
 * the number of matches from the column's histogram rather than a fixed selectivity.
 *
 * Built CONCURRENTLY, outside a transaction (`alerts` takes writes all the time); an index left INVALID by an
 * interrupted build is dropped and rebuilt on the next run.
 */
export class AlertAddressBtreeIndexes1795241000000 implements MigrationInterface {
  name = 'AlertAddressBtreeIndexes1795241000000';
  transaction = false;

  private readonly indexes: [name: string, definition: string][] = [
    ['ix_alerts_src_addr', 'alerts (src_ip)'],
    ['ix_alerts_dst_addr', 'alerts (dst_ip)'],
  ];

  public async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of this.indexes) {
      const invalid: unknown[] = await q.query(
        `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND NOT i.indisvalid`,
        [name],
      );
      if (invalid.length) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${definition}`);
    }
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_alerts_src_ip`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_alerts_dst_ip`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // TypeORM reverts inside a transaction whatever the migration says, so no CONCURRENTLY here
    await q.query(`CREATE INDEX IF NOT EXISTS ix_alerts_src_ip ON alerts USING gist (src_ip inet_ops)`);
    await q.query(`CREATE INDEX IF NOT EXISTS ix_alerts_dst_ip ON alerts USING gist (dst_ip inet_ops)`);
    for (const [name] of [...this.indexes].reverse()) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
