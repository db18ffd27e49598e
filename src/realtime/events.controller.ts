import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Authenticated, CurrentPrincipal } from '../common/auth/auth.decorators';
import { permissionsOf, UserPrincipal } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { SERVER_EVENT_DTOS } from './dto/realtime-event.dto';
import { EventLogService, LoggedEventPayload } from './event-log.service';

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

/** Events that go through the replay log (the status ticker and token and session notices are per connection). */
const LOGGED_EVENTS = Object.keys(SERVER_EVENT_DTOS).filter((e) => !['system_status', 'token_expired', 'session_ended'].includes(e));
const LOGGED_PAYLOADS = [...new Set(LOGGED_EVENTS.map((e) => SERVER_EVENT_DTOS[e as keyof typeof SERVER_EVENT_DTOS]))];

@ApiExtraModels(...LOGGED_PAYLOADS)
class LoggedEventDto {
  @ApiProperty({ example: '1732160000000-0' }) id: string;
  @ApiProperty({ enum: LOGGED_EVENTS, example: 'attack_detected', description: 'Realtime event name (docs/realtime.md)' })
  event: string;
  @ApiProperty({
    oneOf: LOGGED_PAYLOADS.map((dto) => ({ $ref: getSchemaPath(dto) })),
    description: 'The event exactly as a connected client received it; which schema follows from `event`',
  })
  payload: LoggedEventPayload;
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
