import { ApiProperty } from '@nestjs/swagger';
import { RiskLevel } from '../../alerts/alert.entity';
import { CursorMetaDto } from '../../common/pagination/pagination.dto';
import { WebhookDeliveryEntity } from '../webhook-delivery.entity';
import { WEBHOOK_EVENTS } from '../webhook-events';
import { WEBHOOK_PAYLOAD_FORMATS, WebhookEntity, WebhookPayloadFormat } from '../webhook.entity';

/** A webhook as the API shows it: never its signing secret. */
export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'https://hooks.example.com/ids' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events: string[];
  @ApiProperty({ enum: Object.values(RiskLevel), type: String, nullable: true, description: 'Minimum risk level of the alert events delivered' })
  min_risk_level: RiskLevel | null;
  @ApiProperty({ enum: WEBHOOK_PAYLOAD_FORMATS, description: '`ids`: the IDS-AI envelope; `ecs`: an ECS document; `ocsf`: an OCSF event' })
  payload_format: WebhookPayloadFormat;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_3q2-7wEXAMPLEo5mG4o0nX2w1nQ3VfJ0yYc9k1sKx8',
    description: 'The signing secret. Shown once: it is never returned again (stored encrypted, to sign with).',
  })
  secret: string;
}

export class WebhookPingDto {
  @ApiProperty({ format: 'uuid', description: 'The delivery queued (X-IDS-Delivery, the body `id`)' }) delivery_id: string;
  @ApiProperty({ example: 'ping' }) event: string;
}

/** One attempt of a delivery. */
export class WebhookDeliveryDto {
  @ApiProperty({ example: '981' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'Shared by the attempts of one delivery' }) delivery_id: string;
  @ApiProperty({ example: 'alert.raised' }) event: string;
  @ApiProperty({ example: 1, description: '1 for the first try, then 2, 3, … for the retries' }) attempt: number;
  @ApiProperty({ description: 'The receiver answered 2xx' }) success: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'HTTP status of the answer; null when none came' }) status_code: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'timed out after 5000 ms' }) error: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'Newest first' }) items: WebhookDeliveryDto[];
  @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
}

export function toWebhookDto(w: WebhookEntity): WebhookDto {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events,
    min_risk_level: w.minRiskLevel,
    payload_format: w.payloadFormat,
    is_active: w.isActive,
    created_by: w.createdBy,
    created_at: w.createdAt.toISOString(),
  };
}

export function toWebhookDeliveryDto(d: WebhookDeliveryEntity): WebhookDeliveryDto {
  return {
    id: String(d.id),
    delivery_id: d.deliveryId,
    event: d.event,
    attempt: d.attempt,
    success: d.success,
    status_code: d.statusCode,
    error: d.error,
    duration_ms: d.durationMs,
    created_at: d.createdAt.toISOString(),
  };
}

/** What the audit log keeps of a webhook (never the secret). */
export function auditView(w: WebhookEntity): Record<string, unknown> {
  return { name: w.name, url: w.url, events: w.events, min_risk_level: w.minRiskLevel, payload_format: w.payloadFormat };
}
