import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { BouncerEntity } from './bouncer.entity';

export class CreateBouncerDto {
  @ApiProperty({
    example: 'edge-fw-1',
    maxLength: 64,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    description: 'Unique among bouncers in force; the `bouncer` label of ids_bouncer_last_pull_age_seconds',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'name must be letters, digits, dot, underscore or hyphen' })
  name: string;
}

export class BouncerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Visible part of the key (idsb_<prefix>_…), to recognise it' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Last pull of /v1/decisions or /v1/decisions/stream' })
  last_pull_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: '198.18.0.2', description: 'Address of the last pull' })
  last_pull_ip: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'crowdsec-firewall-bouncer/v0.0.25', description: 'User-Agent of the last pull' })
  user_agent: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'v0.0.25', description: 'Version token of the User-Agent (after the first "/")' })
  version: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;
}

export class CreatedBouncerDto extends BouncerDto {
  @ApiProperty({ description: 'The bouncer key (its `api_key`). Shown once: it is stored only as a hash.' })
  key: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `crowdsec-firewall-bouncer/v0.0.25-debian (go1.19)` → `v0.0.25-debian`. */
export function versionOf(userAgent: string | null): string | null {
  const match = userAgent ? /^[^/\s]+\/(\S+)/.exec(userAgent) : null;
  return match ? match[1] : null;
}

export function toBouncerDto(b: BouncerEntity): BouncerDto {
  return {
    id: b.id,
    name: b.name,
    prefix: b.prefix,
    created_at: b.createdAt.toISOString(),
    last_pull_at: iso(b.lastPullAt),
    last_pull_ip: b.lastPullIp,
    user_agent: b.userAgent,
    version: versionOf(b.userAgent),
    revoked_at: iso(b.revokedAt),
  };
}
