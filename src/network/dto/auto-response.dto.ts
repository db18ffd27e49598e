import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsNotEmpty, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { RiskLevel } from '../../alerts/alert.entity';
import { RoundToDecimals } from '../../common/http/decimal';
import { AutoResponsePolicyEntity } from '../auto-response-policy.entity';
import { MAX_BLOCK_TIMEOUT_SEC } from '../firewall';

export class AutoResponsePolicyInputDto {
  @ApiProperty({ description: 'Block the source address of qualifying alerts' })
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel', description: 'Lowest risk level that triggers a block' })
  @IsEnum(RiskLevel)
  min_risk_level: RiskLevel;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9, description: 'Lowest confidence (the alert\'s highest) that triggers a block' })
  @RoundToDecimals(6)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  min_confidence: number;

  @ApiProperty({ type: [String], example: ['DDoS', 'PortScan'], maxItems: 100, description: 'Attack types that trigger a block; empty: any' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(128, { each: true })
  attack_types: string[];

  @ApiProperty({ minimum: 1, maximum: MAX_BLOCK_TIMEOUT_SEC, example: 3600, description: 'Block duration in seconds (escalation applies)' })
  @IsInt()
  @Min(1)
  @Max(MAX_BLOCK_TIMEOUT_SEC)
  duration: number;

  @ApiProperty({ description: 'Record what would be blocked (audit log and alert timeline) without blocking' })
  @IsBoolean()
  dry_run: boolean;
}

export class AutoResponsePolicyDto extends AutoResponsePolicyInputDto {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) updated_by: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export function toAutoResponsePolicyDto(p: AutoResponsePolicyEntity): AutoResponsePolicyDto {
  return {
    enabled: p.enabled,
    min_risk_level: p.minRiskLevel,
    min_confidence: Math.round(p.minConfidence * 1e6) / 1e6,
    attack_types: p.attackTypes,
    duration: p.durationSeconds,
    dry_run: p.dryRun,
    updated_by: p.updatedBy,
    updated_at: p.updatedAt.toISOString(),
  };
}

export function policyAuditView(p: AutoResponsePolicyEntity): Record<string, unknown> {
  const { updated_by: _by, updated_at: _at, ...view } = toAutoResponsePolicyDto(p);
  return view;
}
