import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest requests sent with an `Idempotency-Key`: the response of each, written in the transaction of its flows,
 * so a sender that retries (its connection dropped after the commit, before the answer) gets the same answer and
 * the flows are not stored twice. Keyed by the sender (API key or user) and its key; pruned after
 * INGEST_IDEMPOTENCY_HOURS. The answer is `json`, not `jsonb`: kept as written, so a replay is byte for byte the
 * first answer.
 */
export class CreateIngestRequests1795242000000 implements MigrationInterface {
  name = 'CreateIngestRequests1795242000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_requests (
        owner text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, key)
      )`);
    await q.query(`CREATE INDEX ix_ingest_requests_created_at ON ingest_requests (created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ingest_requests`);
  }
}
