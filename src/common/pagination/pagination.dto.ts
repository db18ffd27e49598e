import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsNumberString, IsOptional, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** The last page number accepted: the offset it gives stays far within PostgreSQL's bigint. */
export const MAX_PAGE = 1_000_000;

/**
 * Combines decorators as a stack written above a property: the last one applies first, so validators register
 * (and report) in the order they would there.
 */
function stack(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...[...decorators].reverse());
}

/** `limit`, the page size of a list: 1 to {@link MAX_PAGE_SIZE}. Declare it as `limit: number = DEFAULT_PAGE_SIZE`. */
export const PageLimit = (): PropertyDecorator =>
  stack(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_SIZE),
  );

/** `cursor` of a list paged by a bigint id: the previous page's `next_cursor`, digits only. */
export const IdCursor = (): PropertyDecorator =>
  stack(
    ApiPropertyOptional({ description: 'The next_cursor of the previous page' }),
    IsOptional(),
    IsNumberString({ no_symbols: true }),
    MaxLength(19),
  );

/** `from` or `to` of a list's time window: an optional ISO 8601 date-time. */
export const DateTimeBound = (): PropertyDecorator => stack(ApiPropertyOptional({ format: 'date-time' }), IsOptional(), IsDateString());

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}

export class PageMetaDto {
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
  @ApiProperty() total: number;
}

export class CursorMetaDto {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` to get the next page; null at the end' })
  next_cursor: string | null;

  @ApiProperty() limit: number;
}
