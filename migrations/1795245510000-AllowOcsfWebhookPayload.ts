import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhooks may also receive OCSF events (`payload_format` `ocsf`, docs/siem.md). */
export class AllowOcsfWebhookPayload1795245510000 implements MigrationInterface {
  name = 'AllowOcsfWebhookPayload1795245510000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhooks DROP CONSTRAINT chk_webhooks_payload_format`);
    await q.query(
      `ALTER TABLE webhooks ADD CONSTRAINT chk_webhooks_payload_format CHECK (payload_format IN ('ids', 'ecs', 'ocsf'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE webhooks SET payload_format = 'ecs' WHERE payload_format = 'ocsf'`);
    await q.query(`ALTER TABLE webhooks DROP CONSTRAINT chk_webhooks_payload_format`);
    await q.query(
      `ALTER TABLE webhooks ADD CONSTRAINT chk_webhooks_payload_format CHECK (payload_format IN ('ids', 'ecs'))`,
    );
  }
}
