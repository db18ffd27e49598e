import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The class the model ranked first for a flow when its training data did not support that class on the flow's IP
 * protocol (docs/eve-model.md, "Training support"). On the partitioned parent, nullable without a default, so no
 * partition is rewritten.
 */
export class AddFlowUnsupportedLabel1795244910000 implements MigrationInterface {
  name = 'AddFlowUnsupportedLabel1795244910000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows ADD COLUMN IF NOT EXISTS unsupported_label varchar(64)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows DROP COLUMN IF EXISTS unsupported_label`);
  }
}
