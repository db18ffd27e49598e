import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StatsWindow } from './stats-window';

export interface AlertCountRow {
  status: string;
  risk_level: string;
  count: string;
}

export interface ActiveModelRow {
  version: string;
  backend: string | null;
  activated_at: Date | null;
}

export interface ActionCountRow {
  action_type: string;
  status: string;
  is_automatic: boolean;
  count: string;
}

export interface FeedbackRow {
  model_version: string;
  reviewed: string;
  false_positives: string;
}

/** Reads for the dashboard from the operational tables: alerts, network actions, model versions. */
@Injectable()
export class StatsActivityRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  alertCounts(): Promise<AlertCountRow[]> {
    return this.db.query(`SELECT status::text AS status, risk_level::text AS risk_level, count(*) AS count FROM alerts GROUP BY 1, 2`);
  }

  async countActiveBlocks(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*) AS n FROM network_actions WHERE status = 'active'`);
    return Number(row.n);
  }

  /** Suppression rules in force, and the verdicts they suppressed over the last 24 whole hours. */
  async suppressionCounts(): Promise<{ rules_in_force: number; suppressed_24h: number }> {
    const [row] = await this.db.query(
      `SELECT (SELECT count(*) FROM suppression_rules WHERE expires_at IS NULL OR expires_at > now()) AS rules,
              (SELECT coalesce(sum(hits), 0) FROM suppression_hits WHERE bucket >= date_trunc('hour', now()) - interval '23 hours') AS hits`,
    );
    return { rules_in_force: Number(row.rules), suppressed_24h: Number(row.hits) };
  }

  async findActiveModel(): Promise<ActiveModelRow | null> {
    const rows: ActiveModelRow[] = await this.db.query(
      `SELECT version, backend, activated_at FROM model_versions WHERE is_active LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /** Actions created in [from, to), by type, current status and origin. */
  actionCounts(w: StatsWindow): Promise<ActionCountRow[]> {
    return this.db.query(
      `SELECT action_type::text AS action_type, status::text AS status, is_automatic, count(*) AS count
         FROM network_actions
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`,
      [w.from, w.to],
    );
  }

  /** Per model version, alerts closed by an analyst (resolved or false_positive) and of those false positives. */
  feedbackByModel(): Promise<FeedbackRow[]> {
    return this.db.query(
      `SELECT model_version, count(*) AS reviewed, count(*) FILTER (WHERE status = 'false_positive') AS false_positives
         FROM alerts
        WHERE model_version IS NOT NULL AND status IN ('resolved', 'false_positive')
        GROUP BY 1`,
    );
  }
}
