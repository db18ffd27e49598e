import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CrowdSec-compatible bouncers: their keys (hashed) with the last pull's time, address and User-Agent, and per
 * bouncer the decisions it has been sent and not yet told are deleted (its cursor over the active blocks).
 */
export class CreateBouncers1795244700000 implements MigrationInterface {
  name = 'CreateBouncers1795244700000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bouncers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        prefix varchar(32) NOT NULL,
        key_hash char(64) NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_pull_at timestamptz,
        last_pull_ip inet,
        user_agent varchar(256),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_bouncers_key_hash ON bouncers (key_hash)`);
    // the name labels the pull-age metric: unique among the bouncers in force
    await q.query(`CREATE UNIQUE INDEX ux_bouncers_name_in_force ON bouncers (name) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE bouncer_decisions (
        bouncer_id uuid NOT NULL REFERENCES bouncers(id) ON DELETE CASCADE,
        decision_id bigint NOT NULL,
        scope varchar(8) NOT NULL,
        value varchar(64) NOT NULL,
        scenario text NOT NULL,
        until timestamptz,
        sent_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_bouncer_decisions PRIMARY KEY (bouncer_id, decision_id)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS bouncer_decisions`);
    await q.query(`DROP TABLE IF EXISTS bouncers`);
  }
}
