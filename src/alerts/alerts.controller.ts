import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { BigIntIdPipe } from '../common/http/uuid.pipe';
import { Permission } from '../core/permissions';
import { AlertsService } from './alerts.service';
import { AlertDto, toAlertDto } from './dto/alert.dto';
import { AddAlertNoteDto, AssignAlertDto, ChangeAlertStatusDto } from './dto/alert-change.dto';
import { AlertDetailDto, AlertTimelineEntryDto, toAlertDetailDto, toTimelineEntryDto } from './dto/alert-detail.dto';
import { AlertDetailQueryDto, AlertListQueryDto, AlertPageDto } from './dto/alert-list.dto';
import { AddAlertNoteUseCase } from './use-cases/add-alert-note.use-case';
import { AssignAlertUseCase } from './use-cases/assign-alert.use-case';
import { ChangeAlertStatusUseCase } from './use-cases/change-alert-status.use-case';

const WORKFLOW =
  'Workflow: active → investigating → resolved | false_positive; investigating → active; resolved and ' +
  'false_positive → active (reopen, which clears the resolution and withdraws false-positive feedback). Any other ' +
  'transition is 409 INVALID_TRANSITION. Asking for the status the alert already has is a no-op: 200 with the ' +
  'alert unchanged, and no timeline entry, audit record or event.';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly changeStatus: ChangeAlertStatusUseCase,
    private readonly assign: AssignAlertUseCase,
    private readonly notes: AddAlertNoteUseCase,
  ) {}

  @Get()
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({
    summary: 'List alerts',
    description:
      'Filters combine (all must hold); list filters take one or several values. Keyset-paginated: pass ' +
      '`meta.next_cursor` as `cursor` with the same filters, sort and order; null means the last page. ' +
      'Time filters apply to created_at.',
  })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiValidationErrors()
  async list(@Actor() actor: ActorContext, @Query() query: AlertListQueryDto): Promise<AlertPageDto> {
    const page = await this.alerts.list(actor, query);
    return { items: page.alerts.map(toAlertDto), meta: { next_cursor: page.nextCursor, limit: query.limit } };
  }

  @Get(':id')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'An alert with its flows, timeline and network actions' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiNotFound('Alert')
  @ApiValidationErrors()
  async get(@Param('id', BigIntIdPipe) id: string, @Query() query: AlertDetailQueryDto): Promise<AlertDetailDto> {
    return toAlertDetailDto(await this.alerts.get(id, query.include_features));
  }

  @Patch(':id/status')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Change an alert’s status', description: WORKFLOW })
  @ApiOkResponse({ type: AlertDto })
  @ApiNotFound('Alert')
  @ApiValidationErrors()
  @ApiConflict('INVALID_TRANSITION: the workflow does not allow this change from the alert’s current status')
  async setStatus(
    @Actor() actor: ActorContext,
    @Param('id', BigIntIdPipe) id: string,
    @Body() dto: ChangeAlertStatusDto,
  ): Promise<AlertDto> {
    return toAlertDto(await this.changeStatus.execute(actor, id, dto));
  }

  @Patch(':id/assign')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Assign an alert to an active user, or unassign it (null); the same assignee again is a no-op' })
  @ApiOkResponse({ type: AlertDto })
  @ApiNotFound('Alert')
  @ApiValidationErrors()
  async setAssignee(@Actor() actor: ActorContext, @Param('id', BigIntIdPipe) id: string, @Body() dto: AssignAlertDto): Promise<AlertDto> {
    return toAlertDto(await this.assign.execute(actor, id, dto.assignee_id));
  }

  @Post(':id/notes')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Add a note to an alert’s timeline' })
  @ApiCreatedResponse({ type: AlertTimelineEntryDto })
  @ApiNotFound('Alert')
  @ApiValidationErrors()
  async addNote(@Actor() actor: ActorContext, @Param('id', BigIntIdPipe) id: string, @Body() dto: AddAlertNoteDto): Promise<AlertTimelineEntryDto> {
    return toTimelineEntryDto(await this.notes.execute(actor, id, dto.body));
  }
}
