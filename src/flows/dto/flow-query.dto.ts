import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumberString, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsAddressOrCidr } from '../../common/http/field-validators';
import { DateTimeBound, DEFAULT_PAGE_SIZE, PageLimit } from '../../common/pagination/pagination.dto';

export const TIME_RANGES = { '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, '30d': 2592000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export class FlowQueryDto {
  @ApiPropertyOptional({ enum: Object.keys(TIME_RANGES), description: 'Only flows received within this range' })
  @IsOptional()
  @IsIn(Object.keys(TIME_RANGES))
  range?: TimeRange;

  @DateTimeBound()
  from?: string;

  @DateTimeBound()
  to?: string;

  @ApiPropertyOptional({ description: 'Address or CIDR', example: '198.18.0.0/24' })
  @IsOptional()
  @IsAddressOrCidr()
  src_ip?: string;

  @ApiPropertyOptional({ description: 'Address or CIDR' })
  @IsOptional()
  @IsAddressOrCidr()
  dst_ip?: string;

  @ApiPropertyOptional({ description: 'Predicted class', example: 'DDoS' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @MaxLength(19)
  alert_id?: string;

  @ApiPropertyOptional({ enum: ['api', 'batch', 'csv', 'stream', 'eve', 'external'] })
  @IsOptional()
  @IsIn(['api', 'batch', 'csv', 'stream', 'eve', 'external'])
  source?: string;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}
