import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../../common/auth/auth.decorators';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { Permission } from '../../core/permissions';
import { StreamInfoDto } from './dto/stream-info.dto';
import { StreamInfoService } from './stream-info.service';

@ApiTags('streams')
@Controller('streams')
export class StreamsController {
  constructor(private readonly streams: StreamInfoService) {}

  @Get('info')
  @RequirePermission(Permission.VIEW_STATS)
  @ApiOperation({
    summary: 'State of the Redis Streams ingest',
    description:
      'Length of the input, output and dead-letter streams; the consumer group (lag, pending entries, each ' +
      'consumer with its pending count and idle time) and this process’s consumer with its last error.',
  })
  @ApiOkResponse({ type: StreamInfoDto })
  @ApiServiceUnavailableResponse({ description: 'Redis does not answer', type: ErrorResponseDto })
  info(): Promise<StreamInfoDto> {
    return this.streams.info();
  }
}
