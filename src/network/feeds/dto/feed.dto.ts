import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { BlocklistFeedEntity } from '../blocklist-feed.entity';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_MESSAGE = 'name must be letters, digits, dot, underscore or hyphen';
export const MIN_REFRESH_SECONDS = 10;
export const MAX_REFRESH_SECONDS = 7 * 86_400;
/** An uploaded list travels in a JSON body: at most BODY_LIMIT (16 MB by default) for the whole request. */
const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

export class FeedContentDto {
  @ApiProperty({
    description:
      'The list: FireHOL netset/ipset, Spamhaus DROP (`CIDR ; SBLnnn`) or one address or CIDR per line; ' +
      '`#` and `;` start comments',
    example: '# my list\n198.51.100.7\n203.0.113.0/24 ; SBL0001\n',
  })
  @IsString()
  @MaxLength(MAX_CONTENT_LENGTH)
  content: string;
}

export class CreateFeedDto {
  @ApiProperty({
    example: 'firehol_level1',
    maxLength: 64,
    pattern: NAME.source,
    description: 'Unique; the decisions\' origin and metrics label',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @Matches(NAME, { message: NAME_MESSAGE })
  name: string;

  @ApiPropertyOptional({
    example: 'http://127.0.0.1:9/firehol_level1.netset',
    description:
      'Download from here (http or https), e.g. ' +
      'https://iplists.firehol.org/files/firehol_level1.netset; give `url` or `content`',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    description: 'The list itself (an uploaded feed, never refreshed); give `url` or `content`',
    example: '198.51.100.7\n203.0.113.0/24\n',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CONTENT_LENGTH)
  content?: string;

  @ApiPropertyOptional({
    minimum: MIN_REFRESH_SECONDS,
    maximum: MAX_REFRESH_SECONDS,
    default: 3600,
    description: 'URL feeds: seconds between refreshes',
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_REFRESH_SECONDS)
  @Max(MAX_REFRESH_SECONDS)
  refresh_seconds?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Also drop the entries in IDS-AI\'s firewall, as one set for the feed',
  })
  @IsOptional()
  @IsBoolean()
  enforce_firewall?: boolean;

  @ApiPropertyOptional({
    default: true,
    description: 'A disabled feed keeps its entries but is not refreshed, sent to bouncers or enforced',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateFeedDto {
  @ApiPropertyOptional({ example: 'firehol_level1', maxLength: 64, pattern: NAME.source })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @Matches(NAME, { message: NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({
    example: 'http://127.0.0.1:9/drop.txt',
    description: 'URL feeds only: a new URL (validators reset, refreshed at once)',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ minimum: MIN_REFRESH_SECONDS, maximum: MAX_REFRESH_SECONDS, description: 'URL feeds only' })
  @IsOptional()
  @IsInt()
  @Min(MIN_REFRESH_SECONDS)
  @Max(MAX_REFRESH_SECONDS)
  refresh_seconds?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enforce_firewall?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class FeedDto {
  @ApiProperty({ example: '3' }) id: string;
  @ApiProperty({ example: 'firehol_level1' }) name: string;
  @ApiProperty({ enum: ['url', 'upload'] }) source: 'url' | 'upload';
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ nullable: true, type: Number }) refresh_seconds: number | null;
  @ApiProperty() enforce_firewall: boolean;
  @ApiProperty() enabled: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['firehol', 'spamhaus', 'plain'],
    description: 'What the last list looked like',
  })
  format: string | null;
  @ApiProperty({ description: 'Entries in force: decisions (origin = the feed\'s name)' }) entries: number;
  @ApiProperty({ description: 'Entries the guards refused at the last refresh' }) refused: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { special_purpose: 3, allowlisted: 1 },
    description: 'Refused entries by reason',
  })
  refused_by_reason: Record<string, number>;
  @ApiProperty({ description: 'Lines of the last list that were not an address or CIDR' }) invalid: number;
  @ApiProperty({
    type: [String],
    description: 'First refused entries and unreadable lines, with why',
  })
  samples: string[];
  @ApiProperty({ description: 'Entries added by the last change' }) last_added: number;
  @ApiProperty({ description: 'Entries removed (revoked) by the last change' }) last_removed: number;
  @ApiProperty({ enum: ['never', 'ok', 'not_modified', 'failed'] }) last_status: string;
  @ApiProperty({ nullable: true, type: String }) last_error: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_refresh_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_success_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) next_refresh_at: string | null;
  @ApiProperty({ description: 'Refreshes failed in a row' }) consecutive_failures: number;
  @ApiProperty({ description: 'Refreshes failed in all' }) refresh_failures: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'ETag of the last download (sent as If-None-Match)',
  })
  etag: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Last-Modified of the last download (sent as If-Modified-Since)',
  })
  last_modified: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toFeedDto(f: BlocklistFeedEntity): FeedDto {
  return {
    id: String(f.id),
    name: f.name,
    source: f.url ? 'url' : 'upload',
    url: f.url,
    refresh_seconds: f.refreshSeconds,
    enforce_firewall: f.enforceFirewall,
    enabled: f.enabled,
    format: f.format,
    entries: f.entryCount,
    refused: f.refusedCount,
    refused_by_reason: f.refused,
    invalid: f.invalidCount,
    samples: f.samples,
    last_added: f.lastAdded,
    last_removed: f.lastRemoved,
    last_status: f.lastStatus,
    last_error: f.lastError,
    last_refresh_at: iso(f.lastRefreshAt),
    last_success_at: iso(f.lastSuccessAt),
    next_refresh_at: iso(f.nextRefreshAt),
    consecutive_failures: f.consecutiveFailures,
    refresh_failures: f.refreshFailures,
    etag: f.etag,
    last_modified: f.lastModified,
    created_by: f.createdBy,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}
