import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger of Redis stream entries already ingested, for exactly-once persistence of the stream consumer: a
 * row is written in the same transaction as the entry's flows, so an entry delivered again (its consumer died
 * between the commit and XACK) is recognised and only acknowledged. `flows` is partitioned by `received_at`, so
 * a unique key on an entry id there could only be unique per partition: hence this small table of its own,
 * pruned once entries are acknowledged and older than the retention.
 */
export class CreateStreamIngested1795238089316 implements MigrationInterface {
  name = 'CreateStreamIngested1795238089316';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_ingested (
        stream text NOT NULL,
        entry_id text NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        received_at timestamptz NOT NULL,
        flow_ids bigint[] NOT NULL,
        PRIMARY KEY (stream, entry_id)
      )`);
    await q.query(`CREATE INDEX ix_stream_ingested_ingested_at ON stream_ingested (ingested_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS stream_ingested`);
  }
}
