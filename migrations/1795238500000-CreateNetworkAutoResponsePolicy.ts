import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The automatic response policy: one row (id = 1) read on every raised or escalated alert. Off by default; the
 * row exists from the start so reading it never needs a fallback.
 */
export class CreateNetworkAutoResponsePolicy1795238500000 implements MigrationInterface {
  name = 'CreateNetworkAutoResponsePolicy1795238500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE network_auto_response_policy (
        id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT ck_network_auto_response_policy_single CHECK (id = 1),
        enabled boolean NOT NULL DEFAULT false,
        min_risk_level risk_level NOT NULL DEFAULT 'high',
        min_confidence real NOT NULL DEFAULT 0.9
          CONSTRAINT ck_network_auto_response_policy_confidence CHECK (min_confidence >= 0 AND min_confidence <= 1),
        attack_types text[] NOT NULL DEFAULT '{}',
        duration_seconds integer NOT NULL DEFAULT 3600
          CONSTRAINT ck_network_auto_response_policy_duration CHECK (duration_seconds > 0),
        dry_run boolean NOT NULL DEFAULT false,
        updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO network_auto_response_policy (id) VALUES (1)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS network_auto_response_policy`);
  }
}
