import {
  AlertFoldDto,
  AuthenticateMessageDto,
  SERVER_EVENT_DTOS,
  SystemStatusEventDto,
  TrainingProgressEventDto,
} from './dto/realtime-event.dto';
import { Permission } from '../core/permissions';

/** The status every client receives every few seconds. */
export type SystemStatusPayload = SystemStatusEventDto;

/** What folding verdicts into an open alert changes: the rest of the alert stays as last announced. */
export type AlertFold = AlertFoldDto;

/** A training job's progress, as the training processor emits it (the replay log id is added when published). */
export type TrainingProgressPayload = Omit<TrainingProgressEventDto, 'id'>;

/**
 * Every server → client event with its payload, as described by the DTO classes (and so by the AsyncAPI
 * document). `id` is the event's id in the replay log (`GET /api/v1/events?since=<id>` returns what a client missed).
 */
export type ServerEvents = { [E in keyof typeof SERVER_EVENT_DTOS]: InstanceType<(typeof SERVER_EVENT_DTOS)[E]> };

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
  model_drift: Permission.VIEW_STATS,
  user_changed: Permission.MANAGE_USERS,
  system_status: Permission.VIEW_STATS,
  token_expired: null,
  session_ended: null,
};

/** Client → server events. */
export interface ClientEvents {
  /** Replaces the connection's access token (after `token_expired`, or before expiry). */
  authenticate: AuthenticateMessageDto;
}

export const permissionRoom = (p: Permission) => `perm:${p}`;
export const userRoom = (id: string) => `user:${id}`;
export const roleRoom = (role: string) => `role:${role}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
