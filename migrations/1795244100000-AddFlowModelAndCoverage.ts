import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which model gave a flow its verdict (`full`, or `eve` for flows with too few features for the full model) and the
 * flow's feature coverage (share of the 78 features present). Added on the partitioned parent, so every partition,
 * present and future, has them; nullable without a default, so no partition is rewritten.
 */
export class AddFlowModelAndCoverage1795244100000 implements MigrationInterface {
  name = 'AddFlowModelAndCoverage1795244100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows ADD COLUMN IF NOT EXISTS model varchar(8), ADD COLUMN IF NOT EXISTS feature_coverage real`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows DROP COLUMN IF EXISTS feature_coverage, DROP COLUMN IF EXISTS model`);
  }
}
