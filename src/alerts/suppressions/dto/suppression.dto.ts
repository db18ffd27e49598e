import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { parseTarget } from '../../../core/net';
import { SuppressionRuleEntity } from '../suppression-rule.entity';
import { RuleHits } from '../suppression-rules.repository';

const ANY = 'Omitted or null: any.';

/** What a rule matches; shared by create, replace and preview. */
export class SuppressionMatchDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 128,
    example: 'PortScan',
    description: `Attack class (a model class, or a class alerts already carry such as a Suricata signature). ${ANY}`,
  })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'attack_type must not be blank' })
  @MaxLength(128)
  attack_type?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: '203.0.113.64/26', description: `Source address or CIDR. ${ANY}` })
  @IsOptional()
  @IsString()
  src_cidr?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: '192.0.2.77', description: `Destination address or CIDR. ${ANY}` })
  @IsOptional()
  @IsString()
  dst_cidr?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 65535, example: 2222, description: `Destination port. ${ANY}` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  dst_port?: number | null;
}

export class SuppressionInputDto extends SuppressionMatchDto {
  @ApiProperty({ maxLength: 1000, example: 'Nightly vulnerability scan from the security team scanner' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(1000)
  reason: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'date-time',
    example: '2030-01-01T00:00:00Z',
    description: 'The rule stops matching at this time (must be in the future). Omitted or null: never expires.',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string | null;
}

export class SuppressionWindowQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 168, default: 24, description: 'Hours back from now' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  hours: number = 24;
}

export class SuppressionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: 'PortScan', description: 'null: any class' }) attack_type: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.64/26', description: 'Canonical address or CIDR; null: any' })
  src_cidr: string | null;
  @ApiProperty({ type: String, nullable: true, example: '192.0.2.77', description: 'Canonical address or CIDR; null: any' })
  dst_cidr: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 2222, description: 'null: any' }) dst_port: number | null;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'null: never expires' }) expires_at: string | null;
  @ApiProperty({ description: 'In force (not expired): expired rules match nothing' }) active: boolean;
  @ApiProperty({ description: 'Alert verdicts the rule has suppressed' }) hit_count: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) last_hit_at: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** `cidr` as PostgreSQL prints it (`198.18.0.2/32`) → the canonical spelling the rest of the API uses. */
export const canonicalCidr = (cidr: string): string => parseTarget(cidr).canonical;

export function toSuppressionDto(r: SuppressionRuleEntity, hits: RuleHits | undefined, now = Date.now()): SuppressionDto {
  return {
    id: r.id,
    attack_type: r.attackType,
    src_cidr: r.srcCidr === null ? null : canonicalCidr(r.srcCidr),
    dst_cidr: r.dstCidr === null ? null : canonicalCidr(r.dstCidr),
    dst_port: r.dstPort,
    reason: r.reason,
    expires_at: r.expiresAt ? r.expiresAt.toISOString() : null,
    active: r.expiresAt === null || r.expiresAt.getTime() > now,
    hit_count: hits?.hits ?? 0,
    last_hit_at: hits?.lastHitAt ? hits.lastHitAt.toISOString() : null,
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
