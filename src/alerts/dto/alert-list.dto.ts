import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorMetaDto, DEFAULT_PAGE_SIZE, PageLimit } from '../../common/pagination/pagination.dto';
import { AlertSort, MAX_CURSOR_LENGTH, SortOrder } from '../alert-cursor';
import { AlertDto } from './alert.dto';
import { AlertFilterDto } from './alert-filter.dto';

export class AlertListQueryDto extends AlertFilterDto {
  @ApiPropertyOptional({
    enum: AlertSort,
    enumName: 'AlertSort',
    default: AlertSort.CREATED_AT,
    description: 'Sort key (default created_at); ties are broken by id. `risk_level` orders by risk, then by created_at.',
  })
  @IsOptional()
  @IsEnum(AlertSort)
  sort: AlertSort = AlertSort.CREATED_AT;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: SortOrder = 'desc';

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page (same filters, sort and order)', maxLength: MAX_CURSOR_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items: AlertDto[];
  @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class AlertDetailQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include each flow’s 78 raw feature values' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  include_features: boolean = false;
}
