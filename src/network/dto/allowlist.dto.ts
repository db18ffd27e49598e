import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, MaxLength } from 'class-validator';
import { parseTarget } from '../../core/net';
import { AllowlistEntryEntity } from '../allowlist-entry.entity';

export class CreateAllowlistEntryDto {
  @ApiProperty({ example: '203.0.113.0/24', description: 'Address or CIDR that must never be blocked' })
  @IsString()
  cidr: string;

  @ApiProperty({ maxLength: 500, example: 'Office VPN egress' })
  @IsString()
  @MaxLength(500)
  comment: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'The entry stops protecting at this time (must be in the future)' })
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string;
}

export class AllowlistEntryDto {
  @ApiProperty({ example: '7' }) id: string;
  @ApiProperty({ example: '203.0.113.0/24', description: 'Canonical address or CIDR' }) cidr: string;
  @ApiProperty() comment: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expires_at: string | null;
  @ApiProperty({ description: 'Still in force (not expired)' }) active: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

/** `cidr` as PostgreSQL prints it (`198.18.0.2/32`) → the canonical spelling the rest of the API uses. */
export const canonicalCidr = (cidr: string): string => parseTarget(cidr).canonical;

export function toAllowlistEntryDto(e: AllowlistEntryEntity, active: boolean): AllowlistEntryDto {
  return {
    id: String(e.id),
    cidr: canonicalCidr(e.cidr),
    comment: e.comment,
    expires_at: e.expiresAt ? e.expiresAt.toISOString() : null,
    active,
    created_by: e.createdBy,
    created_at: e.createdAt.toISOString(),
  };
}
