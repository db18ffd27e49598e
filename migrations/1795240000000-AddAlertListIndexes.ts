import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the alert list's other sort keys and the model-version filter, so every page is an index range
 * scan (keyset pagination, no sort of the table), and for withdrawing an alert's feedback examples.
 *
 * Built CONCURRENTLY, outside a transaction: `alerts` takes writes from the ingest pipeline all the time and a
 * plain CREATE INDEX would block them for the whole build. An index left INVALID by an interrupted build is
 * dropped and rebuilt on the next run.
 */
export class AddAlertListIndexes1795240000000 implements MigrationInterface {
  name = 'AddAlertListIndexes1795240000000';
  transaction = false;

  private readonly indexes: [name: string, definition: string][] = [
    ['ix_alerts_last_seen', 'alerts (last_seen, id)'],
    ['ix_alerts_confidence', 'alerts (confidence, id)'],
    ['ix_alerts_model_created', 'alerts (model_version, created_at, id)'],
    ['ix_feedback_examples_alert', 'feedback_examples (alert_id) WHERE alert_id IS NOT NULL'],
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
  }

  public async down(q: QueryRunner): Promise<void> {
    // TypeORM reverts inside a transaction whatever the migration says, so no CONCURRENTLY here
    for (const [name] of [...this.indexes].reverse()) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
