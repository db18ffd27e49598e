import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import { permissionsOf, UserPrincipal } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { EventLogService } from './event-log.service';

class EventsQueryDto {
  @ApiPropertyOptional({ description: 'Id of the last event received (exclusive); 0 for the oldest kept', example: '1732160000000-0' })
  @IsOptional()
  @Matches(/^(0|\d{1,15}-\d{1,10})$/, { message: 'since must be an event id such as 1732160000000-0, or 0' })
  since: string = '0';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

class LoggedEventDto {
  @ApiProperty({ example: '1732160000000-0' }) id: string;
  @ApiProperty({ example: 'attack_detected', description: 'Realtime event name (see the README event map)' }) event: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload: Record<string, unknown>;
}

@ApiTags('realtime')
@Controller('events')
export class EventsController {
  constructor(private readonly log: EventLogService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'Realtime events missed since an event id',
    description: 'Replays the realtime event log (the last ~10,000 events) after `since`, filtered by what the caller may see.',
  })
  @ApiOkResponse({ type: [LoggedEventDto] })
  @ApiValidationErrors()
  missed(@CurrentPrincipal() principal: UserPrincipal, @Query() q: EventsQueryDto): Promise<LoggedEventDto[]> {
    return this.log.since(q.since, permissionsOf(principal), q.limit);
  }
}
