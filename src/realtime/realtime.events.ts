import { AlertDto } from '../alerts/dto/alert.dto';
import { Permission } from '../core/permissions';

/** The status every client receives every few seconds. */
export interface SystemStatusPayload {
  at: string;
  flows_per_second: number;
  alerts_per_minute: number;
  queues: Record<string, { waiting: number; active: number; delayed: number; failed: number }>;
  model: { version: string; backend: string | null };
  ready: boolean;
}

export interface AlertBatchPayload {
  /** The most severe, then the latest, of the coalesced alerts (at most REALTIME_BATCH_MAX_ALERTS). */
  alerts: AlertDto[];
  /** How many alert events the batch stands for (storm coalescing). */
  count: number;
  /** The same events counted per attack type. */
  by_attack_type: Record<string, number>;
}

/** What folding verdicts into an open alert changes: the rest of the alert stays as last announced. */
export type AlertFold = Pick<AlertDto, 'id' | 'event_count' | 'last_seen' | 'confidence' | 'max_confidence' | 'risk_level' | 'updated_at'>;

export interface AlertFoldsPayload {
  /** Every alert folded into during the window, with its latest counts (one entry per alert). */
  alerts: AlertFold[];
}

export interface NetworkActionPayload {
  action: Record<string, unknown>;
  alert_id: string | null;
}

export interface TrainingProgressPayload {
  job_id: string;
  epoch?: number;
  epochs?: number;
  stage: string;
  metrics?: Record<string, number>;
}

/**
 * Every server → client event with its payload. `id` is the event's id in the replay log
 * (`GET /api/v1/events?since=<id>` returns what a client missed).
 */
export interface ServerEvents {
  attack_detected: { id: string; alert: AlertDto };
  attack_detected_batch: { id: string } & AlertBatchPayload;
  alert_updated: { id: string; alert: AlertDto; change: string };
  alerts_deduplicated: { id: string } & AlertFoldsPayload;
  alert_resolved: { id: string; alert: AlertDto };
  ip_blocked: { id: string } & NetworkActionPayload;
  port_blocked: { id: string } & NetworkActionPayload;
  block_expired: { id: string } & NetworkActionPayload;
  block_revoked: { id: string } & NetworkActionPayload;
  block_failed: { id: string } & NetworkActionPayload;
  model_training_progress: { id: string } & TrainingProgressPayload;
  model_activated: { id: string; version: string };
  user_changed: { id: string; user_id: string; change: string };
  system_status: SystemStatusPayload;
  token_expired: { reauthenticate_within_seconds: number };
}

export type ServerEventName = keyof ServerEvents;

/** Who may receive each event (clients join one room per permission they hold). */
export const EVENT_PERMISSION: Record<ServerEventName, Permission | null> = {
  attack_detected: Permission.VIEW_ALERTS,
  attack_detected_batch: Permission.VIEW_ALERTS,
  alert_updated: Permission.VIEW_ALERTS,
  alerts_deduplicated: Permission.VIEW_ALERTS,
  alert_resolved: Permission.VIEW_ALERTS,
  ip_blocked: Permission.VIEW_ALERTS,
  port_blocked: Permission.VIEW_ALERTS,
  block_expired: Permission.VIEW_ALERTS,
  block_revoked: Permission.VIEW_ALERTS,
  block_failed: Permission.VIEW_ALERTS,
  model_training_progress: Permission.SYSTEM_CONFIG,
  model_activated: Permission.VIEW_STATS,
  user_changed: Permission.MANAGE_USERS,
  system_status: Permission.VIEW_STATS,
  token_expired: null,
};

/** Client → server events. */
export interface ClientEvents {
  /** Replaces the connection's access token (after `token_expired`, or before expiry). */
  authenticate: { token: string };
}

export const permissionRoom = (p: Permission) => `perm:${p}`;
export const userRoom = (id: string) => `user:${id}`;
export const roleRoom = (role: string) => `role:${role}`;
