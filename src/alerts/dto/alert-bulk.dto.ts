import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsObject, IsOptional, Matches, ValidateNested } from 'class-validator';
import { ErrorCode } from '../../core/domain-error';
import { AssignAlertDto, ChangeAlertStatusDto } from './alert-change.dto';
import { AlertFilterDto } from './alert-filter.dto';

export const BULK_MAX_IDS = 1000;
/** The most alerts one bulk request changes when it selects them by filter (the lowest ids first). */
export const BULK_MAX_FILTERED = 10_000;

/** Which alerts a bulk operation changes: `ids` or `filter`, exactly one of them. */
export class BulkTargetsDto {
  @ApiPropertyOptional({ type: [String], example: ['1042', '1043'], maxItems: BULK_MAX_IDS, description: 'Alert ids (not with filter)' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(BULK_MAX_IDS)
  @Matches(/^[1-9][0-9]{0,17}$/, { each: true, message: 'each value in ids must be a positive integer id' })
  ids?: string[];

  @ApiPropertyOptional({
    type: AlertFilterDto,
    description: `The list's filters, at least one criterion (not with ids). At most ${BULK_MAX_FILTERED} alerts change per request, lowest ids first; \`truncated\` says when more matched.`,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertFilterDto)
  filter?: AlertFilterDto;
}

export class BulkStatusDto extends IntersectionType(BulkTargetsDto, ChangeAlertStatusDto) {}

export class BulkAssignDto extends IntersectionType(BulkTargetsDto, AssignAlertDto) {}

export class BulkFailureDto {
  @ApiProperty({ example: '1043' }) id: string;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.INVALID_TRANSITION }) error: ErrorCode;
  @ApiProperty({ example: 'An alert cannot go from active to resolved' }) reason: string;
}

export class BulkResultDto {
  @ApiProperty({ description: 'Alerts considered: the ids given, or the alerts the filter matched (capped)' }) matched: number;
  @ApiProperty({ type: [String], description: 'Alerts changed' }) updated: string[];
  @ApiProperty({ type: [String], description: 'Alerts already in the requested state (no-op)' }) unchanged: string[];
  @ApiProperty({ type: [BulkFailureDto], description: 'Alerts left as they were, with the reason' }) failed: BulkFailureDto[];
  @ApiProperty({ description: `True when the filter matched more than ${BULK_MAX_FILTERED} alerts: repeat the request for the rest` })
  truncated: boolean;
}
