import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const ALERT_FLOWS_LIMIT = 100;
export const ALERT_ACTIONS_LIMIT = 100;

/** A flow folded into an alert, as `flows` stores it. */
export interface AlertFlowRow {
  id: string;
  received_at: Date;
  flow_ts: Date | null;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  protocol: number | null;
  source: string;
  predicted_label: string | null;
  confidence: number | null;
  anomaly_score: number | null;
  model_version: string | null;
  raw_features?: number[];
}

/** A firewall action taken on an alert's behalf (`network_actions` has no entity here: read-only rows). */
export interface AlertActionRow {
  id: string;
  action_type: 'block_ip' | 'block_port';
  target: string;
  status: 'pending' | 'active' | 'expired' | 'revoked' | 'failed';
  expires_at: Date | null;
  created_at: Date;
}

/** The evidence around an alert: its flows and the network actions it led to. */
@Injectable()
export class AlertDetailsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The alert's newest flows; the feature arrays (78 doubles each) only when asked for. */
  flows(alertId: string, includeFeatures: boolean, limit = ALERT_FLOWS_LIMIT): Promise<AlertFlowRow[]> {
    return this.db.query(
      `SELECT f.id::text AS id, f.received_at, f.flow_ts, host(f.src_ip) AS src_ip, host(f.dst_ip) AS dst_ip, f.src_port,
              f.dst_port, f.protocol, f.source, f.predicted_label, f.confidence, f.anomaly_score, f.model_version
              ${includeFeatures ? ', f.raw_features' : ''}
         FROM flows f
        WHERE f.alert_id = $1
        ORDER BY f.received_at DESC, f.id DESC
        LIMIT $2`,
      [alertId, limit],
    );
  }

  actions(alertId: string, limit = ALERT_ACTIONS_LIMIT): Promise<AlertActionRow[]> {
    return this.db.query(
      `SELECT n.id::text AS id, n.action_type, n.target, n.status, n.expires_at, n.created_at
         FROM network_actions n
        WHERE n.alert_id = $1
        ORDER BY n.created_at DESC, n.id DESC
        LIMIT $2`,
      [alertId, limit],
    );
  }
}
