import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhooks choose their body: the IDS-AI envelope (`ids`, as before) or an Elastic Common Schema document (`ecs`). */
export class AddWebhookPayloadFormat1795245410000 implements MigrationInterface {
  name = 'AddWebhookPayloadFormat1795245410000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks ADD COLUMN payload_format varchar(8) NOT NULL DEFAULT 'ids'`);
    await q.query(
      `ALTER TABLE webhooks ADD CONSTRAINT chk_webhooks_payload_format CHECK (payload_format IN ('ids', 'ecs'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks DROP COLUMN payload_format`);
  }
}
