import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/auth.decorators';
import { ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { BigIntIdPipe } from '../common/http/uuid.pipe';
import { DomainError } from '../core/domain-error';
import { Permission } from '../core/permissions';
import { FlowDto, FlowPageDto, toFlowDto } from './dto/flow.dto';
import { FlowQueryDto, TIME_RANGES } from './dto/flow-query.dto';
import { decodeFlowCursor, encodeFlowCursor, FlowsRepository } from './flows.repository';

@ApiTags('flows')
@Controller('flows')
export class FlowsReadController {
  constructor(private readonly flows: FlowsRepository) {}

  @Get()
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'List flows, newest first (cursor pagination)' })
  @ApiOkResponse({ type: FlowPageDto })
  @ApiValidationErrors()
  async list(@Query() q: FlowQueryDto): Promise<FlowPageDto> {
    const cursor = q.cursor ? decodeFlowCursor(q.cursor) : null;
    if (q.cursor && !cursor) throw DomainError.validation([{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
    const since = q.range ? new Date(Date.now() - TIME_RANGES[q.range] * 1000) : q.from ? new Date(q.from) : null;
    const rows = await this.flows.list(q, cursor, since);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(toFlowDto),
      meta: { next_cursor: rows.length > q.limit ? encodeFlowCursor(page[page.length - 1]) : null, limit: q.limit },
    };
  }

  @Get(':id')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'One flow with its raw and processed features' })
  @ApiOkResponse({ type: FlowDto })
  @ApiNotFound('Flow')
  @ApiValidationErrors()
  async get(@Param('id', BigIntIdPipe) id: string): Promise<FlowDto> {
    const flow = await this.flows.findOne(id, true);
    if (!flow) throw DomainError.notFound('Flow', id);
    return toFlowDto(flow);
  }
}
