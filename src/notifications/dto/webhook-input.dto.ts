import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { RiskLevel } from '../../alerts/alert.entity';
import { DEFAULT_PAGE_SIZE, IdCursor, PageLimit } from '../../common/pagination/pagination.dto';
import { WEBHOOK_EVENTS, WebhookEvent } from '../webhook-events';
import { WEBHOOK_PAYLOAD_FORMATS, WebhookPayloadFormat } from '../webhook.entity';

export class CreateWebhookDto {
  @ApiProperty({ example: 'SOC Slack relay', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({
    example: 'https://hooks.example.com/ids',
    maxLength: 2048,
    description:
      'http or https, without credentials. Hosts that are (or resolve to) loopback, private, link-local or other ' +
      'non-public addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true; cloud metadata addresses always are.',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true }, { message: 'url must be an http or https URL' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['alert.raised', 'network.ip_blocked'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events: WebhookEvent[];

  @ApiPropertyOptional({
    enum: RiskLevel,
    enumName: 'RiskLevel',
    description: 'Alert events (alert.*) are delivered only for alerts of at least this risk level; other events are not filtered',
  })
  @IsOptional()
  @IsEnum(RiskLevel)
  min_risk_level?: RiskLevel;

  @ApiPropertyOptional({
    enum: WEBHOOK_PAYLOAD_FORMATS,
    default: 'ids',
    description:
      'Body of the deliveries: `ids`, the IDS-AI envelope `{ id, event, occurred_at, data }`; `ecs`, an Elastic Common ' +
      'Schema document; `ocsf`, an OCSF 1.8 event (docs/siem.md). Headers and signature are the same for all three.',
  })
  @IsOptional()
  @IsIn(WEBHOOK_PAYLOAD_FORMATS)
  payload_format?: WebhookPayloadFormat;

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 128,
    format: 'password',
    description: 'Signing secret (16–128 printable ASCII characters). Generated when absent. Returned only in this response.',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must hold printable ASCII characters without spaces' })
  secret?: string;
}

export class DeliveriesQueryDto {
  @IdCursor()
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}
