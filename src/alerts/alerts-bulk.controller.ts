import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { Permission } from '../core/permissions';
import { BULK_MAX_FILTERED, BULK_MAX_IDS, BulkAssignDto, BulkResultDto, BulkStatusDto } from './dto/alert-bulk.dto';
import { BulkAssignUseCase } from './use-cases/bulk-assign.use-case';
import { BulkChangeStatusUseCase } from './use-cases/bulk-change-status.use-case';

const TARGETS =
  `Select the alerts by \`ids\` (at most ${BULK_MAX_IDS}) or by \`filter\` (the list's filters; at most ` +
  `${BULK_MAX_FILTERED} alerts per request, lowest ids first, \`truncated\` when more matched). One transaction; ` +
  'each alert is judged alone: alerts that cannot change are listed in `failed`, those already in the requested ' +
  'state in `unchanged`, and the request still succeeds. The audit log gets one summarising record listing the ' +
  'changed ids and their previous values; each alert gets its own timeline entry and `alert.updated` event.';

@ApiTags('alerts')
@Controller('alerts/bulk')
export class AlertsBulkController {
  constructor(
    private readonly bulkStatus: BulkChangeStatusUseCase,
    private readonly bulkAssign: BulkAssignUseCase,
  ) {}

  @Post('status')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Change the status of many alerts',
    description: `${TARGETS} Transitions follow the single-alert workflow (audit action \`alert.bulk_status_change\`).`,
  })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiValidationErrors()
  async status(@Actor() actor: ActorContext, @Body() dto: BulkStatusDto): Promise<BulkResultDto> {
    return this.bulkStatus.execute(actor, dto);
  }

  @Post('assign')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Assign or unassign many alerts', description: `${TARGETS} Audit action \`alert.bulk_assign\`.` })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiValidationErrors()
  async assign(@Actor() actor: ActorContext, @Body() dto: BulkAssignDto): Promise<BulkResultDto> {
    return this.bulkAssign.execute(actor, dto);
  }
}
