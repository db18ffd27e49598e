import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsNumberString, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '../../core/domain-error';
import { createValidationPipe } from '../http/validation';
import { DateTimeBound, DEFAULT_PAGE_SIZE, IdCursor, MAX_PAGE_SIZE, PageLimit } from './pagination.dto';

/** The list-query fields written out decorator by decorator. */
class WrittenQuery {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @MaxLength(19)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

class ComposedQuery {
  @DateTimeBound()
  from?: string;

  @IdCursor()
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}

const pipe = createValidationPipe();
const outcome = (query: Record<string, string>, metatype: new () => object) =>
  pipe.transform({ ...query }, { type: 'query', metatype }).then(
    (dto: object) => ({ dto: { ...dto } }),
    (e: unknown) => ({ details: e instanceof DomainError ? e.details : String(e) }),
  );

describe('list query field decorators', () => {
  it('document each field as the written decorators do', () => {
    for (const field of ['from', 'cursor', 'limit']) {
      expect(Reflect.getMetadata('swagger/apiModelProperties', ComposedQuery.prototype, field)).toEqual(
        Reflect.getMetadata('swagger/apiModelProperties', WrittenQuery.prototype, field),
      );
    }
  });

  it.each<Record<string, string>>([
    {},
    { from: '2026-01-01T00:00:00Z', cursor: '42', limit: '20' },
    { limit: 'ten' },
    { limit: '0', cursor: '-1' },
    { limit: '201', from: 'yesterday' },
    { cursor: 'x'.repeat(20) },
    { cursor: '1'.repeat(20) },
  ])('validate %j as the written decorators do, reasons in the same order', async (query) => {
    expect(await outcome(query, ComposedQuery)).toEqual(await outcome(query, WrittenQuery));
  });

  it('default the page size and refuse one out of range', async () => {
    expect(await outcome({}, ComposedQuery)).toEqual({ dto: { limit: DEFAULT_PAGE_SIZE } });
    expect(await outcome({ limit: '12' }, ComposedQuery)).toEqual({ dto: { limit: 12 } });
    const reason = expect.any(String) as unknown;
    expect(await outcome({ limit: 'ten' }, ComposedQuery)).toEqual({ details: [1, 2, 3].map(() => ({ field: 'limit', reason })) });
    expect(await outcome({ limit: '201' }, ComposedQuery)).toEqual({ details: [{ field: 'limit', reason: 'limit must not be greater than 200' }] });
  });
});
