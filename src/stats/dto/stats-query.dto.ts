import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { STATS_BUCKETS, STATS_RANGES, StatsBucket, StatsRange } from '../stats-window';

export const MAX_TOP_LIMIT = 100;

/** A period: a relative `range` ending now, or `from` [/ `to`]. The answer echoes the period it used. */
export class StatsPeriodQueryDto {
  @ApiPropertyOptional({
    enum: STATS_RANGES,
    description: 'The period ending now (default 24h). Cannot be combined with from/to.',
  })
  @IsOptional()
  @IsIn(STATS_RANGES)
  range?: StatsRange;

  @ApiPropertyOptional({ format: 'date-time', description: 'Start of an explicit period (inclusive, floored to the period unit)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of an explicit period (exclusive, rounded up to the period unit); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class StatsTimelineQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({
    enum: STATS_BUCKETS,
    description:
      'Bucket width (UTC-aligned). Default: 1m for periods up to 6 h, 1h up to 7 days, else 1d. ' +
      'A combination giving more than 2,000 buckets is refused (400 naming `bucket`).',
  })
  @IsOptional()
  @IsIn(STATS_BUCKETS)
  bucket?: StatsBucket;
}

export class StatsTopQueryDto extends StatsPeriodQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TOP_LIMIT, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_LIMIT)
  limit: number = 10;
}
