import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumberString, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DateTimeBound, DEFAULT_PAGE_SIZE, PageLimit } from '../../common/pagination/pagination.dto';

export const TIME_RANGES = { '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, '30d': 2592000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;
const ADDRESS_OR_CIDR = /^[0-9A-Fa-f:.]{2,45}(\/[0-9]{1,3})?$/;

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
  @Matches(ADDRESS_OR_CIDR, { message: 'src_ip must be an IP address or CIDR' })
  src_ip?: string;

  @ApiPropertyOptional({ description: 'Address or CIDR' })
  @IsOptional()
  @Matches(ADDRESS_OR_CIDR, { message: 'dst_ip must be an IP address or CIDR' })
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
