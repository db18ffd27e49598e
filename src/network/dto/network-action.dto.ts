import { ApiProperty } from '@nestjs/swagger';
import { CursorMetaDto } from '../../common/pagination/pagination.dto';
import type { FirewallCommand } from '../firewall';
import { NetworkActionEntity, NetworkActionStatus, NetworkActionType } from '../network-action.entity';

/** A block as the API and the realtime events show it. */
export class NetworkActionDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ enum: NetworkActionType, enumName: 'NetworkActionType' }) type: NetworkActionType;
  @ApiProperty({ example: '198.51.100.7', description: 'Canonical address or CIDR (block_ip), or `<port>/<protocol>` (block_port)' })
  target: string;
  @ApiProperty({ nullable: true, type: Number, enum: [4, 6], description: 'IP family of a block_ip target' }) family: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 8080 }) port: number | null;
  @ApiProperty({ nullable: true, type: String, enum: ['tcp', 'udp'] }) protocol: string | null;
  @ApiProperty({
    enum: NetworkActionStatus,
    enumName: 'NetworkActionStatus',
    description: 'pending (queued for the firewall) → active → expired | revoked | failed',
  })
  status: NetworkActionStatus;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Effective duration in seconds (after escalation); null: permanent' })
  duration_seconds: number | null;
  @ApiProperty({ description: 'Earlier blocks of this target within the escalation lookback' }) escalation_level: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null: until unblocked' }) expires_at: string | null;
  @ApiProperty({ description: 'Created by the auto-response policy' }) is_automatic: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The alert the block responds to' }) alert_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Null for automatic blocks' }) created_by: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) revoked_by: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['iptables', 'nftables', 'dry-run'], description: 'The driver that applied it' })
  driver: string | null;
  @ApiProperty({ description: 'Attempts to apply it to the firewall' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'Last firewall error' }) error: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) applied_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When it expired, was revoked or failed' })
  ended_at: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** A command the firewall runs: an argument vector (never a shell line) and what it reads on standard input. */
export class FirewallCommandDto {
  @ApiProperty({ type: [String], example: ['nft', '-f', '-'] }) argv: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Standard input (an nft or ipset script)' }) stdin: string | null;
}

/** The answer to a block request. */
export class BlockActionDto extends NetworkActionDto {
  @ApiProperty({
    nullable: true,
    type: [FirewallCommandDto],
    description: 'FIREWALL_DRIVER=dry-run only: the commands applying this block would run (nothing is run); null otherwise',
  })
  dry_run_commands: FirewallCommandDto[] | null;
}

export class NetworkActionPageDto {
  @ApiProperty({ type: [NetworkActionDto] }) items: NetworkActionDto[];
  @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
}

export class SkippedActionDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: 'not_live', enum: ['not_found', 'not_live'] }) reason: 'not_found' | 'not_live';
  @ApiProperty({ nullable: true, type: String, enum: NetworkActionStatus, description: 'Status of an action that was not live' })
  status: NetworkActionStatus | null;
}

export class BulkUnblockResultDto {
  @ApiProperty({ type: [NetworkActionDto], description: 'Blocks revoked by this request' }) revoked: NetworkActionDto[];
  @ApiProperty({ type: [SkippedActionDto], description: 'Requested ids that were unknown or no longer live' })
  skipped: SkippedActionDto[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toNetworkActionDto(a: NetworkActionEntity): NetworkActionDto {
  return {
    id: String(a.id),
    type: a.actionType,
    target: a.target,
    family: a.family,
    port: a.port,
    protocol: a.protocol,
    status: a.status,
    reason: a.reason,
    duration_seconds: a.durationSeconds,
    escalation_level: a.escalationLevel,
    expires_at: iso(a.expiresAt),
    is_automatic: a.isAutomatic,
    alert_id: a.alertId === null ? null : String(a.alertId),
    created_by: a.createdBy,
    revoked_by: a.revokedBy,
    driver: a.driver,
    attempts: a.attempts,
    error: a.error,
    created_at: a.createdAt.toISOString(),
    applied_at: iso(a.appliedAt),
    ended_at: iso(a.endedAt),
    updated_at: a.updatedAt.toISOString(),
  };
}

export function toBlockActionDto(a: NetworkActionEntity, commands: FirewallCommand[] | null): BlockActionDto {
  return {
    ...toNetworkActionDto(a),
    dry_run_commands: commands?.map((c) => ({ argv: [c.file, ...c.args], stdin: c.input ?? null })) ?? null,
  };
}

/** What the audit log keeps of an action before and after a change. */
export function actionAuditView(a: NetworkActionEntity): Record<string, unknown> {
  return {
    type: a.actionType,
    target: a.target,
    status: a.status,
    reason: a.reason,
    duration_seconds: a.durationSeconds,
    escalation_level: a.escalationLevel,
    expires_at: iso(a.expiresAt),
    is_automatic: a.isAutomatic,
    alert_id: a.alertId,
  };
}
