import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics and webhook deliveries.
 *
 * `stats_hour` holds the per-minute rollups of `stats_minute` summed per UTC hour and attack type, so a 30-day
 * timeline reads ~720 × classes rows instead of ~43,200 × classes. It is kept exact by statement-level triggers
 * on `stats_minute` (INSERT, UPDATE — including the UPDATE half of INSERT … ON CONFLICT — and DELETE), which add
 * the statement's net change per hour in the same transaction, hour rows locked in key order like the minute
 * rows above them. Existing minute rows are summed in once here.
 *
 * `webhook_deliveries.delivery_id` identifies a delivery across its attempts (one row per attempt): it is the
 * `id` of the body and the `X-IDS-Delivery` header a receiver de-duplicates on.
 */
export class CreateStatsHourAndWebhookDeliveryIds1795238349643 implements MigrationInterface {
  name = 'CreateStatsHourAndWebhookDeliveryIds1795238349643';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_hour (
        bucket timestamptz NOT NULL,
        attack_type varchar(128) NOT NULL,
        flows bigint NOT NULL DEFAULT 0,
        alerts bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, attack_type)
      )`);
    await q.query(`
      INSERT INTO stats_hour (bucket, attack_type, flows, alerts)
      SELECT date_trunc('hour', bucket, 'UTC'), attack_type, sum(flows), sum(alerts)
        FROM stats_minute GROUP BY 1, 2`);
    await q.query(`
      CREATE FUNCTION ids_stats_hour_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO stats_hour (bucket, attack_type, flows, alerts)
          SELECT date_trunc('hour', bucket, 'UTC'), attack_type, sum(flows), sum(alerts)
            FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (bucket, attack_type) DO UPDATE
            SET flows = stats_hour.flows + EXCLUDED.flows, alerts = stats_hour.alerts + EXCLUDED.alerts;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO stats_hour (bucket, attack_type, flows, alerts)
          SELECT date_trunc('hour', bucket, 'UTC'), attack_type, sum(flows), sum(alerts)
            FROM (SELECT bucket, attack_type, flows, alerts FROM new_rows
                  UNION ALL
                  SELECT bucket, attack_type, -flows, -alerts FROM old_rows) d
           GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (bucket, attack_type) DO UPDATE
            SET flows = stats_hour.flows + EXCLUDED.flows, alerts = stats_hour.alerts + EXCLUDED.alerts;
        ELSE
          UPDATE stats_hour h SET flows = h.flows - d.flows, alerts = h.alerts - d.alerts
            FROM (SELECT date_trunc('hour', bucket, 'UTC') AS bucket, attack_type, sum(flows) AS flows, sum(alerts) AS alerts
                    FROM old_rows GROUP BY 1, 2) d
           WHERE h.bucket = d.bucket AND h.attack_type = d.attack_type;
          DELETE FROM stats_hour h USING (SELECT DISTINCT date_trunc('hour', bucket, 'UTC') AS bucket FROM old_rows) d
           WHERE h.bucket = d.bucket AND h.flows = 0 AND h.alerts = 0;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_stats_minute_hour_insert AFTER INSERT ON stats_minute
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ids_stats_hour_apply()`);
    await q.query(`
      CREATE TRIGGER trg_stats_minute_hour_update AFTER UPDATE ON stats_minute
        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ids_stats_hour_apply()`);
    await q.query(`
      CREATE TRIGGER trg_stats_minute_hour_delete AFTER DELETE ON stats_minute
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ids_stats_hour_apply()`);

    // Network actions counted per period (GET /stats/actions).
    await q.query(`CREATE INDEX ix_network_actions_created ON network_actions (created_at)`);

    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN delivery_id uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE webhook_deliveries ALTER COLUMN delivery_id DROP DEFAULT`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_delivery ON webhook_deliveries (delivery_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_delivery`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS delivery_id`);
    await q.query(`DROP INDEX IF EXISTS ix_network_actions_created`);
    await q.query(`DROP TRIGGER IF EXISTS trg_stats_minute_hour_delete ON stats_minute`);
    await q.query(`DROP TRIGGER IF EXISTS trg_stats_minute_hour_update ON stats_minute`);
    await q.query(`DROP TRIGGER IF EXISTS trg_stats_minute_hour_insert ON stats_minute`);
    await q.query(`DROP FUNCTION IF EXISTS ids_stats_hour_apply()`);
    await q.query(`DROP TABLE IF EXISTS stats_hour`);
  }
}
