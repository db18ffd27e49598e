import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsTimeZone, Matches, Max, MaxLength, Min } from 'class-validator';

/** Options of a CSV import, given in the query string (the body is the multipart file). */
export class ImportQueryDto {
  @ApiPropertyOptional({
    description:
      'IANA time zone of the local timestamps in the file (address-and-time dialects: `7/7/2017 9:00`, ' +
      '`2017-07-07 18:08:57.763666`, `15/02/2018 10:30:00`); UTC when absent. CIC-IDS2017 was captured in ' +
      'America/Halifax time.',
    example: 'America/Halifax',
  })
  @IsOptional()
  @MaxLength(64)
  @Matches(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, { message: 'time_zone must be an IANA time zone name such as America/Halifax' })
  @IsTimeZone({ message: 'time_zone must be an IANA time zone name such as America/Halifax' })
  time_zone?: string;
}

export const IMPORT_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed', 'paused'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** Filters of the import list. */
export class ImportListQueryDto {
  @ApiPropertyOptional({ enum: IMPORT_STATES, description: 'Only imports in this state' })
  @IsOptional()
  @IsIn(IMPORT_STATES)
  state?: ImportState;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, description: 'Most imports returned; default 50' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}
