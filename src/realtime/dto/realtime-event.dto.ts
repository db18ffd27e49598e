import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AlertDto } from '../../alerts/dto/alert.dto';
import { NetworkActionDto } from '../../network/dto/network-action.dto';
import type { UserChange } from '../../users/user.events';

/**
 * The payloads of the Socket.IO events as classes, so that one source describes them to TypeScript
 * (`realtime.events.ts` checks its map against these), to the OpenAPI document (the replay log's `payload`) and to
 * the AsyncAPI document (`npm run asyncapi`).
 */
const LOG_ID = { example: '1732160000000-0', description: 'Id of the event in the replay log (`GET /api/v1/events?since=`)' };

export class AlertEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ type: AlertDto }) alert: AlertDto;
}

export class AlertUpdatedEventDto extends AlertEventDto {
  @ApiProperty({
    example: 'status',
    description: 'What changed: deduplicated (a verdict folded in), status, assignee, note, feedback or action',
  })
  change: string;
}

export class AttackBatchEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ type: [AlertDto], description: 'The most severe, then the latest, of the coalesced alerts (at most REALTIME_BATCH_MAX_ALERTS)' })
  alerts: AlertDto[];
  @ApiProperty({ description: 'How many new alerts the batch stands for' }) count: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { DDoS: 412, PortScan: 9 },
    description: 'The same alerts counted per attack type',
  })
  by_attack_type: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'T1498.001': 412, T1046: 9 },
    description: 'The same alerts counted per MITRE ATT&CK technique id (alerts without one are not counted)',
  })
  by_technique: Record<string, number>;
}

export class AlertFoldDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty() event_count: number;
  @ApiProperty({ format: 'date-time' }) last_seen: string;
  @ApiProperty() confidence: number;
  @ApiProperty() max_confidence: number;
  @ApiProperty({ example: 'high' }) risk_level: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class AlertsDeduplicatedEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ type: [AlertFoldDto], description: 'Every alert folded into during the window, with what folding changed' })
  alerts: AlertFoldDto[];
}

export class NetworkActionEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ type: NetworkActionDto }) action: NetworkActionDto;
  @ApiProperty({ nullable: true, type: String, description: 'The alert the block responds to' }) alert_id: string | null;
}

export class TrainingProgressEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ example: '12' }) job_id: string;
  @ApiProperty({ enum: ['training', 'registered', 'failed'] }) stage: string;
  @ApiPropertyOptional({ description: 'The epoch just finished (stage training, once per epoch)' }) epoch?: number;
  @ApiPropertyOptional({ description: 'Most epochs of the run' }) epochs?: number;
  @ApiPropertyOptional({ description: 'Training loss of the epoch' }) loss?: number;
  @ApiPropertyOptional({ description: 'Validation loss of the epoch' }) val_loss?: number;
  @ApiPropertyOptional() val_accuracy?: number;
  @ApiPropertyOptional() val_macro_f1?: number;
  @ApiPropertyOptional({ description: 'The registered model version (stage registered)' }) version?: string;
  @ApiPropertyOptional({ description: 'Why training failed (stage failed)' }) error?: string;
}

export class ModelActivatedEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ example: 'mlp-4647cc8ba18d' }) version: string;
}

export class ModelDriftEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ example: 'all', description: '`all`, an API key id, or `source:<ingest source>` for flows sent without a key' })
  sensor: string;
  @ApiProperty({ enum: ['firing', 'cleared'], description: 'The alarm fired, or cleared (back below, window emptied, model changed)' })
  state: 'firing' | 'cleared';
  @ApiProperty({ type: [String], enum: ['out_of_domain', 'low_coverage'], description: 'Fire thresholds crossed (empty when cleared)' })
  reasons: ('out_of_domain' | 'low_coverage')[];
  @ApiProperty({ description: 'Flows in the window' }) flows: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of them outside the model training domain (null: none)' })
  out_of_domain_ratio: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean share of the 78 features present (null: no flows)' })
  feature_coverage: number | null;
  @ApiProperty() window_seconds: number;
  @ApiProperty({ nullable: true, type: String, example: 'mlp-4647cc8ba18d' }) model_version: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class UserChangedEventDto {
  @ApiProperty(LOG_ID) id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ enum: ['created', 'updated', 'deleted', 'password_reset', 'password_changed'] }) change: UserChange;
}

export class QueueDepthDto {
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() failed: number;
}

export class StatusModelDto {
  @ApiProperty({ example: 'mlp-4647cc8ba18d' }) version: string;
  @ApiProperty({ nullable: true, type: String, enum: ['tensorflow', 'wasm', 'cpu'] }) backend: string | null;
}

export class SystemStatusEventDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() flows_per_second: number;
  @ApiProperty() alerts_per_minute: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/QueueDepthDto' }, description: 'Per Bull queue' })
  queues: Record<string, QueueDepthDto>;
  @ApiProperty({ type: StatusModelDto }) model: StatusModelDto;
  @ApiProperty({ description: 'Every readiness component is up' }) ready: boolean;
}

export class TokenExpiredEventDto {
  @ApiProperty({ example: 30 }) reauthenticate_within_seconds: number;
}

export class SessionEndedEventDto {
  @ApiProperty({ example: 'logout', description: 'Why the session ended (logout, deactivation, role or password change, ...)' })
  reason: string;
}

export class AuthenticateMessageDto {
  @ApiProperty({ description: 'A new access token for the connection' }) token: string;
}

export class AuthenticateAckDto {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ description: 'Why the token was refused' }) error?: string;
}

/** Every server → client event and its payload class (kept complete by `realtime-event.dto.spec.ts`). */
export const SERVER_EVENT_DTOS = {
  attack_detected: AlertEventDto,
  attack_detected_batch: AttackBatchEventDto,
  alert_updated: AlertUpdatedEventDto,
  alerts_deduplicated: AlertsDeduplicatedEventDto,
  alert_resolved: AlertEventDto,
  ip_blocked: NetworkActionEventDto,
  port_blocked: NetworkActionEventDto,
  block_expired: NetworkActionEventDto,
  block_revoked: NetworkActionEventDto,
  block_failed: NetworkActionEventDto,
  model_training_progress: TrainingProgressEventDto,
  model_activated: ModelActivatedEventDto,
  model_drift: ModelDriftEventDto,
  user_changed: UserChangedEventDto,
  system_status: SystemStatusEventDto,
  token_expired: TokenExpiredEventDto,
  session_ended: SessionEndedEventDto,
} as const;

/** Extra schemas a payload refers to by name only. */
export const REALTIME_EXTRA_MODELS = [QueueDepthDto, AuthenticateMessageDto, AuthenticateAckDto];
