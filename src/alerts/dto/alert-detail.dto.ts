import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AlertEventEntity } from '../alert-event.entity';
import { AlertEntity, AlertStatus } from '../alert.entity';
import { AlertActionRow, AlertFlowRow } from '../alert-details.repository';
import { AlertDto, toAlertDto } from './alert.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export class AlertFlowDto {
  @ApiProperty({ example: '88121' }) id: string;
  @ApiProperty({ format: 'date-time' }) received_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Time the sensor saw the flow' }) flow_ts: string | null;
  @ApiProperty({ nullable: true, type: String }) src_ip: string | null;
  @ApiProperty({ nullable: true, type: String }) dst_ip: string | null;
  @ApiProperty({ nullable: true, type: Number }) src_port: number | null;
  @ApiProperty({ nullable: true, type: Number }) dst_port: number | null;
  @ApiProperty({ nullable: true, type: Number }) protocol: number | null;
  @ApiProperty({ example: 'sensor', description: 'How the flow arrived' }) source: string;
  @ApiProperty({ nullable: true, type: String }) predicted_label: string | null;
  @ApiProperty({ nullable: true, type: Number }) confidence: number | null;
  @ApiProperty({ nullable: true, type: Number }) anomaly_score: number | null;
  @ApiProperty({ nullable: true, type: String }) model_version: string | null;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'number', nullable: true },
    description: 'The 78 raw CIC-IDS2017 features in canonical order; only with include_features=true. NaN and ±Infinity are null.',
  })
  raw_features?: (number | null)[];
}

/** What a timeline entry records beyond its body and statuses; which fields are present follows from `kind`. */
export class AlertTimelineDataDto {
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'assignment: the previous assignee' })
  from?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'assignment: the new assignee' })
  to?: string | null;
  @ApiPropertyOptional({ example: 'BENIGN', description: 'status_change to false_positive: the class the analyst gave the flow' })
  label?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'status_change: the labelled example stored from the flow' })
  feedback_example_id?: string | null;
  @ApiPropertyOptional({ description: 'status_change out of false_positive: the labelled example was withdrawn' })
  feedback_withdrawn?: boolean;
  @ApiPropertyOptional({ example: '198.51.100.7', description: 'auto_response: the source address the policy acted on' })
  ip?: string;
  @ApiPropertyOptional({ description: 'auto_response: the policy was in dry-run mode' }) dry_run?: boolean;
  @ApiPropertyOptional({ description: 'auto_response in dry run: a real block would have been made' }) would_block?: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'auto_response: block duration in seconds; null: permanent' })
  duration?: number | null;
  @ApiPropertyOptional({ type: [String], description: 'auto_response: why the block was (or would be) refused' })
  refused?: string[];
}

export class AlertTimelineEntryDto {
  @ApiProperty({ example: '311' }) id: string;
  @ApiProperty({ enum: ['status_change', 'assignment', 'note', 'auto_response'], example: 'status_change' })
  kind: string;
  @ApiProperty({ nullable: true, type: String, description: 'The note, or the reason given for a status change' }) body: string | null;
  @ApiProperty({ type: String, enum: Object.values(AlertStatus), nullable: true }) from_status: AlertStatus | null;
  @ApiProperty({ type: String, enum: Object.values(AlertStatus), nullable: true }) to_status: AlertStatus | null;
  @ApiProperty({ type: AlertTimelineDataDto }) data: AlertTimelineDataDto;
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) actor_type: 'user' | 'api_key' | 'system';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) actor_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class AlertNetworkActionDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ enum: ['block_ip', 'block_port'] }) action_type: 'block_ip' | 'block_port';
  @ApiProperty({ example: '198.18.0.10' }) target: string;
  @ApiProperty({ enum: ['pending', 'active', 'expired', 'revoked', 'failed'] }) status: AlertActionRow['status'];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expires_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class AlertDetailDto extends AlertDto {
  @ApiProperty({ type: [AlertFlowDto], description: 'Newest first, at most 100' }) flows: AlertFlowDto[];
  @ApiProperty({ type: [AlertTimelineEntryDto], description: 'Newest first, at most 200' }) timeline: AlertTimelineEntryDto[];
  @ApiProperty({ type: [AlertNetworkActionDto], description: 'Newest first, at most 100' }) network_actions: AlertNetworkActionDto[];
}

export interface AlertDetail {
  alert: AlertEntity;
  flows: AlertFlowRow[];
  timeline: AlertEventEntity[];
  actions: AlertActionRow[];
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export function toAlertFlowDto(f: AlertFlowRow): AlertFlowDto {
  const dto: AlertFlowDto = {
    id: f.id,
    received_at: f.received_at.toISOString(),
    flow_ts: iso(f.flow_ts),
    src_ip: f.src_ip,
    dst_ip: f.dst_ip,
    src_port: f.src_port,
    dst_port: f.dst_port,
    protocol: f.protocol,
    source: f.source,
    predicted_label: f.predicted_label,
    confidence: f.confidence,
    anomaly_score: f.anomaly_score,
    model_version: f.model_version,
  };
  if (f.raw_features) dto.raw_features = f.raw_features.map(finiteOrNull);
  return dto;
}

export function toTimelineEntryDto(e: AlertEventEntity): AlertTimelineEntryDto {
  return {
    id: String(e.id),
    kind: e.kind,
    body: e.body,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    data: e.data ?? {},
    actor_type: e.actorType,
    actor_id: e.actorId,
    created_at: e.createdAt.toISOString(),
  };
}

export function toNetworkActionDto(a: AlertActionRow): AlertNetworkActionDto {
  return {
    id: a.id,
    action_type: a.action_type,
    target: a.target,
    status: a.status,
    expires_at: iso(a.expires_at),
    created_at: a.created_at.toISOString(),
  };
}

export function toAlertDetailDto(d: AlertDetail): AlertDetailDto {
  return {
    ...toAlertDto(d.alert),
    flows: d.flows.map(toAlertFlowDto),
    timeline: d.timeline.map(toTimelineEntryDto),
    network_actions: d.actions.map(toNetworkActionDto),
  };
}
