import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { DateTimeBound, DEFAULT_PAGE_SIZE, IdCursor, PageLimit } from '../../common/pagination/pagination.dto';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'e.g. auth.login, user.update, api_key.create, alert.status_change' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actor_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  target_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  target_id?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure', 'denied'] })
  @IsOptional()
  @IsIn(['success', 'failure', 'denied'])
  outcome?: string;

  @DateTimeBound()
  from?: string;

  @DateTimeBound()
  to?: string;

  @IdCursor()
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}
