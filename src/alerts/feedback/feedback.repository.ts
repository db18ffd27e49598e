import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FEATURE_COUNT } from '../../core/features/feature-names';

export interface FeedbackExampleRow {
  id: string;
  label: string;
  raw_features: number[];
}

/** Labelled examples made from analysts' verdicts (`feedback_examples`), for retraining. */
@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async attackTypeExists(name: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM attack_types WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  /**
   * Stores the flow that raised each alert as an example labelled `label` (flows with a feature vector of another
   * width are left out: they could not be exported). Returns the example id per alert id.
   */
  async storeForAlerts(m: EntityManager, alertIds: string[], label: string, createdBy: string | null): Promise<Map<string, string>> {
    if (alertIds.length === 0) return new Map();
    const rows: { alert_id: string; id: string }[] = await m.query(
      `INSERT INTO feedback_examples (alert_id, flow_id, label, predicted_label, model_version, raw_features, created_by)
       SELECT a.id, f.id, $2, COALESCE(f.predicted_label, a.attack_type), COALESCE(f.model_version, a.model_version),
              f.raw_features, $3
         FROM alerts a
         JOIN flows f ON f.id = a.flow_id AND f.received_at = a.flow_received_at
        WHERE a.id = ANY($1::bigint[]) AND cardinality(f.raw_features) = $4
       RETURNING alert_id::text AS alert_id, id::text AS id`,
      [alertIds, label, createdBy, FEATURE_COUNT],
    );
    return new Map(rows.map((r) => [r.alert_id, r.id]));
  }

  /** Withdraws the examples made from these alerts (their false-positive verdict was reopened). */
  async deleteForAlerts(m: EntityManager, alertIds: string[]): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    // TypeORM answers a DELETE with [rows, affected]
    const [rows]: [{ alert_id: string }[], number] = await m.query(
      `DELETE FROM feedback_examples WHERE alert_id = ANY($1::bigint[]) RETURNING alert_id::text AS alert_id`,
      [alertIds],
    );
    return new Set(rows.map((r) => r.alert_id));
  }

  /** The examples after `afterId`, oldest first (keyset paging for the streamed export). */
  page(afterId: string, limit: number): Promise<FeedbackExampleRow[]> {
    return this.db.query(
      `SELECT e.id::text AS id, e.label, e.raw_features
         FROM feedback_examples e
        WHERE e.id > $1 AND cardinality(e.raw_features) = $3
        ORDER BY e.id
        LIMIT $2`,
      [afterId, limit, FEATURE_COUNT],
    );
  }
}
