import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_BLOCK_TIMEOUT_SEC } from '../firewall';
import { IsBigIntId } from './id-fields';

const DURATION_DOC =
  `Seconds (1–${MAX_BLOCK_TIMEOUT_SEC}); omitted: permanent. A target blocked again within the escalation lookback gets ` +
  'this duration multiplied by FIREWALL_ESCALATION_FACTOR per earlier block (capped at FIREWALL_ESCALATION_MAX_SECONDS).';

class BlockCommonDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BLOCK_TIMEOUT_SEC, example: 3600, description: DURATION_DOC })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BLOCK_TIMEOUT_SEC)
  duration?: number;

  @ApiProperty({ maxLength: 500, example: 'Port scan from this host (alert 1042)' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({ example: '1042', description: 'The alert this block responds to' })
  @IsOptional()
  @IsBigIntId()
  alert_id?: string;

  @ApiPropertyOptional({
    description:
      'Default false. Admins only (system_config): block even a protected target (this server, the caller, FIREWALL_MANAGEMENT_CIDRS, ' +
      'the allowlist, the API port) and the forcible special-purpose ranges (link-local 169.254.0.0/16 and fe80::/10, ' +
      'reserved 240.0.0.0/4, networks that merely include embedded IPv4 forms such as 2002::/16). Never overrides the ' +
      'refusal of the whole internet, loopback, unspecified, multicast or broadcast addresses, embedded forms included ' +
      '(docs/firewall.md).',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class BlockIpDto extends BlockCommonDto {
  @ApiProperty({
    example: '198.51.100.7',
    maxLength: 64,
    description: 'IPv4 or IPv6 address, or a CIDR (host bits are cleared: `10.1.2.3/8` blocks `10.0.0.0/8`)',
  })
  @IsString()
  ip: string;
}

export class BlockPortDto extends BlockCommonDto {
  @ApiProperty({ minimum: 1, maximum: 65535, example: 8080, description: 'Destination port, blocked for every source' })
  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @ApiProperty({ enum: ['tcp', 'udp'] })
  @IsIn(['tcp', 'udp'])
  protocol: 'tcp' | 'udp';
}
