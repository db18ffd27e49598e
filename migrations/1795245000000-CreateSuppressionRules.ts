import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suppression rules ("do not alert on class C from S to D/port P until T"), their hit counts per hour and class,
 * and on flows the rule that suppressed the flow's alert (no foreign key: a deleted rule's flows keep its id, and
 * the column is written by COPY on the ingest path).
 */
export class CreateSuppressionRules1795245000000 implements MigrationInterface {
  name = 'CreateSuppressionRules1795245000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppression_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        attack_type varchar(128),
        src_cidr cidr,
        dst_cidr cidr,
        dst_port integer CONSTRAINT ck_suppression_rules_port CHECK (dst_port BETWEEN 1 AND 65535),
        reason text NOT NULL,
        expires_at timestamptz,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- a rule without a class must name an address or network: never "suppress everything"
        CONSTRAINT ck_suppression_rules_scoped CHECK (attack_type IS NOT NULL OR src_cidr IS NOT NULL OR dst_cidr IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE suppression_hits (
        rule_id uuid NOT NULL,
        bucket timestamptz NOT NULL,
        attack_type varchar(128) NOT NULL,
        hits bigint NOT NULL,
        last_hit_at timestamptz NOT NULL,
        CONSTRAINT pk_suppression_hits PRIMARY KEY (rule_id, bucket, attack_type)
      )`);
    await q.query(`CREATE INDEX ix_suppression_hits_bucket ON suppression_hits (bucket)`);
    await q.query(`ALTER TABLE flows ADD COLUMN suppressed_by uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows DROP COLUMN IF EXISTS suppressed_by`);
    await q.query(`DROP TABLE IF EXISTS suppression_hits`);
    await q.query(`DROP TABLE IF EXISTS suppression_rules`);
  }
}
