import { ApiProperty } from '@nestjs/swagger';
import { CursorMetaDto } from '../../common/pagination/pagination.dto';
import { AuditLogEntity } from '../audit-log.entity';

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) actor_type: string;
  @ApiProperty({ nullable: true, type: String }) actor_id: string | null;
  @ApiProperty({ nullable: true, type: String }) actor_label: string | null;
  @ApiProperty() action: string;
  @ApiProperty({ enum: ['success', 'failure', 'denied'] }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) target_type: string | null;
  @ApiProperty({ nullable: true, type: String }) target_id: string | null;
  @ApiProperty({ nullable: true, type: String }) source_ip: string | null;
  @ApiProperty({ nullable: true, type: String }) correlation_id: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) before: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) after: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
}

export function toAuditEntryDto(e: AuditLogEntity): AuditEntryDto {
  return {
    id: e.id,
    created_at: e.createdAt.toISOString(),
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_label: e.actorLabel,
    action: e.action,
    outcome: e.outcome,
    target_type: e.targetType,
    target_id: e.targetId,
    source_ip: e.sourceIp,
    correlation_id: e.correlationId,
    before: e.before,
    after: e.after,
    details: e.details,
  };
}
