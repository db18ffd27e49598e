import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsAddressOrCidr } from '../../common/http/field-validators';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const LIST_DOC = 'Comma-separated, case-insensitive';

/** One decision, field for field as CrowdSec's Local API writes it (`models.Decision`). */
export class DecisionDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 42, description: 'The network action id' }) id: number;
  @ApiProperty({ example: 'ids-ai', description: 'Who took the decision: `ids-ai` for its blocks, the feed\'s name for a blocklist feed entry' }) origin: string;
  @ApiProperty({ example: 'ban', description: 'Always `ban` (IDS-AI blocks drop all traffic from the source)' }) type: string;
  @ApiProperty({ enum: ['Ip', 'Range'], example: 'Ip' }) scope: string;
  @ApiProperty({ example: '198.51.100.7', description: 'The address (scope Ip) or CIDR (scope Range)' }) value: string;
  @ApiProperty({
    example: '3h59m58.5s',
    description:
      'Time left, in Go duration syntax (`time.ParseDuration`). A permanent block says `87600h0m0s` and is sent again ' +
      'daily. In `deleted`, the time that was left when it ended (negative once expired).',
  })
  duration: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the block ends; absent for a permanent block' })
  until?: string;
  @ApiProperty({ example: 'PortScan', description: "The linked alert's attack class, else the block's reason" }) scenario: string;
}

/** CrowdSec's `DecisionsStreamResponse`: an empty list is written as null, as the Local API does. */
export class DecisionsStreamDto {
  @ApiProperty({ type: [DecisionDto], nullable: true, description: 'Decisions to enforce (every active one with startup=true)' })
  new: DecisionDto[] | null;
  @ApiProperty({ type: [DecisionDto], nullable: true, description: 'Decisions to lift: each revoked or expired one, once per bouncer' })
  deleted: DecisionDto[] | null;
}

export class DecisionFiltersDto {
  @ApiPropertyOptional({ example: 'ip,range', description: `Scopes to return (${LIST_DOC}); default \`ip,range\`` })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  scopes?: string;

  @ApiPropertyOptional({ example: 'ids-ai', description: `Origins to return (${LIST_DOC})` })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  origins?: string;

  @ApiPropertyOptional({ example: 'PortScan,DDoS', description: `Only scenarios containing one of these (${LIST_DOC})` })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scenarios_containing?: string;

  @ApiPropertyOptional({ example: 'Bot', description: `No scenario containing one of these (${LIST_DOC})` })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scenarios_not_containing?: string;
}

export class DecisionsStreamQueryDto extends DecisionFiltersDto {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'true: every active decision as `new` (a bouncer that starts)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  startup?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'Sent by newer bouncers; accepted and ignored (IDS-AI has no community blocklist)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  community_pull?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'Sent by newer bouncers; accepted and ignored' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  additional_pull?: boolean;
}

export class DecisionsQueryDto {
  @ApiPropertyOptional({ example: '198.51.100.7', description: 'Decisions whose address or range holds this address' })
  @IsOptional()
  @IsString()
  @IsAddressOrCidr()
  ip?: string;

  @ApiPropertyOptional({ example: '198.51.100.0/24', description: 'Decisions whose range holds this range (contains=false: inside it)' })
  @IsOptional()
  @IsString()
  @IsAddressOrCidr()
  range?: string;

  @ApiPropertyOptional({ type: Boolean, default: true, description: 'With ip or range: true, decisions containing it; false, decisions inside it' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  contains?: boolean;

  @ApiPropertyOptional({ example: 'Ip', description: 'Case-insensitive: `Ip` or `Range`' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  scope?: string;

  @ApiPropertyOptional({ example: '198.51.100.7', description: 'Exact value' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  value?: string;

  @ApiPropertyOptional({ example: 'ban', description: 'Decision type; IDS-AI only has `ban`' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string;
}
