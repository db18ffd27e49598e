import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StatsWindow, UNIT, ceilTo, floorTo } from './stats-window';

/** Rollup table a timeline reads: per minute, or per hour (kept by triggers on stats_minute). */
export type RollupTable = 'stats_minute' | 'stats_hour';

/** One class over a timeline: a value per bucket, oldest first, zero where nothing was seen. */
export interface TimelineSeriesRow {
  attack_type: string;
  flows: number[];
  alerts: number[];
}

export interface ClassTotalsRow {
  attack_type: string;
  severity: string | null;
  flows: string;
  alerts: string;
}

export interface AddressRow {
  ip: string;
  flows: string;
  alerts: string;
}

export interface PredictionRow {
  model_version: string;
  predicted_label: string;
  predictions: string;
  last_day: string;
}

const ORIGIN = '2000-01-01T00:00:00Z';

/** Reads of the dashboard rollups (written by the ingest pipeline, never here). */
@Injectable()
export class StatsRollupsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Flows and alert verdicts of the last complete minute (the system status). */
  async lastMinute(): Promise<{ flows: number; alerts: number }> {
    const [row] = await this.db.query(
      `SELECT coalesce(sum(flows), 0)::float8 AS flows, coalesce(sum(alerts), 0)::float8 AS alerts
         FROM stats_minute WHERE bucket >= date_trunc('minute', now()) - interval '1 minute'
                              AND bucket < date_trunc('minute', now())`,
    );
    return { flows: row.flows, alerts: row.alerts };
  }

  /**
   * Flows and alert verdicts per class and bucket over [from, to) (aligned to the bucket): one row per class seen
   * in the period, its values an array over every bucket, zero-filled from generate_series. The zero cells are
   * appended and summed in (no bucket × class join, which PostgreSQL misestimates), and arrays rather than a row
   * per bucket × class keep a 720-bucket month to ~16 rows on the wire.
   */
  timeline(table: RollupTable, w: StatsWindow, bucketMs: number): Promise<TimelineSeriesRow[]> {
    return this.db.query(
      `WITH src AS (
         SELECT date_bin($3::interval, bucket, $4::timestamptz) AS b, attack_type, flows, alerts
           FROM ${table}
          WHERE bucket >= $1 AND bucket < $2
       ), cells AS (
         SELECT attack_type, b, sum(flows) AS flows, sum(alerts) AS alerts
           FROM (SELECT attack_type, b, flows, alerts FROM src
                 UNION ALL
                 SELECT t.attack_type, s.b, 0, 0
                   FROM (SELECT DISTINCT attack_type FROM src) t
                  CROSS JOIN generate_series($1::timestamptz, $2::timestamptz - $3::interval, $3::interval) AS s (b)) x
          GROUP BY attack_type, b
       )
       SELECT attack_type, array_agg(flows::float8 ORDER BY b) AS flows, array_agg(alerts::float8 ORDER BY b) AS alerts
         FROM cells
        GROUP BY attack_type`,
      [w.from.toISOString(), w.to.toISOString(), `${bucketMs / 1000} seconds`, ORIGIN],
    );
  }

  /**
   * Totals per class over a minute-aligned [from, to): whole hours from stats_hour, the partial hours at either
   * end from stats_minute, so a 30-day period reads ~720 rows per class instead of ~43,200.
   */
  totalsByClass(w: StatsWindow): Promise<ClassTotalsRow[]> {
    const from = w.from.getTime();
    const to = w.to.getTime();
    let hoursFrom = ceilTo(from, UNIT.HOUR);
    let hoursTo = floorTo(to, UNIT.HOUR);
    if (hoursFrom >= hoursTo) hoursFrom = hoursTo = to;
    return this.db.query(
      `SELECT s.attack_type, t.severity::text AS severity, sum(s.flows) AS flows, sum(s.alerts) AS alerts
         FROM (SELECT attack_type, flows, alerts FROM stats_hour WHERE bucket >= $2 AND bucket < $3
               UNION ALL
               SELECT attack_type, flows, alerts FROM stats_minute
                WHERE (bucket >= $1 AND bucket < $2) OR (bucket >= $3 AND bucket < $4)) s
         LEFT JOIN attack_types t ON t.name = s.attack_type
        GROUP BY s.attack_type, t.severity
        ORDER BY sum(s.flows) DESC, s.attack_type`,
      [w.from, new Date(hoursFrom), new Date(hoursTo), w.to],
    );
  }

  /** Flows and alert verdicts over a minute-aligned [from, to). */
  async trafficBetween(from: Date, to: Date): Promise<{ flows: number; alerts: number }> {
    const [row] = await this.db.query(
      `SELECT coalesce(sum(flows), 0) AS flows, coalesce(sum(alerts), 0) AS alerts
         FROM stats_minute WHERE bucket >= $1 AND bucket < $2`,
      [from, to],
    );
    return { flows: Number(row.flows), alerts: Number(row.alerts) };
  }

  /**
   * Addresses by alert verdicts then flows over [from, to), exactly: whole hours from stats_sources_hour, the
   * partial hours at either end counted from the flows themselves (through ix_flows_received_at; at most two hours
   * of flows, whatever the period's length).
   */
  topAddresses(direction: 'src' | 'dst', w: StatsWindow, limit: number): Promise<AddressRow[]> {
    const column = direction === 'src' ? 'src_ip' : 'dst_ip';
    const from = w.from.getTime();
    const to = w.to.getTime();
    let hoursFrom = ceilTo(from, UNIT.HOUR);
    let hoursTo = floorTo(to, UNIT.HOUR);
    if (hoursFrom >= hoursTo) hoursFrom = hoursTo = to;
    return this.db.query(
      `SELECT host(ip) AS ip, sum(flows) AS flows, sum(alerts) AS alerts
         FROM (SELECT ip, flows, alerts FROM stats_sources_hour WHERE direction = $1 AND bucket >= $3 AND bucket < $4
               UNION ALL
               SELECT ${column}, count(*), count(alert_id) FROM flows
                WHERE ${column} IS NOT NULL AND ((received_at >= $2 AND received_at < $3) OR (received_at >= $4 AND received_at < $5))
                GROUP BY ${column}) s
        GROUP BY ip
        ORDER BY sum(alerts) DESC, sum(flows) DESC, ip
        LIMIT $6`,
      [direction, w.from, new Date(hoursFrom), new Date(hoursTo), w.to, limit],
    );
  }

  /** Predictions per model version and class, all time, with the last day each pair was seen. */
  predictionsByModel(): Promise<PredictionRow[]> {
    return this.db.query(
      `SELECT model_version, predicted_label, sum(predictions) AS predictions, max(bucket)::text AS last_day
         FROM stats_model_day
        GROUP BY 1, 2
        ORDER BY 1, sum(predictions) DESC, 2`,
    );
  }
}
