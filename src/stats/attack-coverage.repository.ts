import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StatsWindow } from './stats-window';

/** Alerts per (tactic, technique) pair they carry; counts as text (bigint). */
export interface AttackCountRow {
  tactic_id: string;
  tactic_name: string;
  technique_id: string;
  technique_name: string;
  alerts: string;
  model: string;
  external: string;
  suricata: string;
  false_positives: string;
  events: string;
  last_seen: Date;
}

/** Reads the ATT&CK techniques alerts carry (the `attack` column) for the coverage statistics. */
@Injectable()
export class AttackCoverageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Per pair, the alerts raised in the period (all time without one) that carry it, by source. */
  countsByTechnique(w: StatsWindow | null): Promise<AttackCountRow[]> {
    return this.db.query(
      `SELECT e #>> '{tactic,id}' AS tactic_id, max(e #>> '{tactic,name}') AS tactic_name,
              e #>> '{technique,id}' AS technique_id, max(e #>> '{technique,name}') AS technique_name,
              count(*) AS alerts,
              count(*) FILTER (WHERE a.source = 'model') AS model,
              count(*) FILTER (WHERE a.source = 'external') AS external,
              count(*) FILTER (WHERE a.source = 'suricata') AS suricata,
              count(*) FILTER (WHERE a.status = 'false_positive') AS false_positives,
              sum(a.event_count) AS events, max(a.last_seen) AS last_seen
         FROM alerts a CROSS JOIN LATERAL jsonb_array_elements(a.attack) e
        WHERE a.attack <> '[]'::jsonb
          AND ($1::timestamptz IS NULL OR a.created_at >= $1) AND ($2::timestamptz IS NULL OR a.created_at < $2)
        GROUP BY 1, 3`,
      [w?.from ?? null, w?.to ?? null],
    );
  }
}
