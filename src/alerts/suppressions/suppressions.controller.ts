import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { Permission } from '../../core/permissions';
import { SuppressionDto, SuppressionInputDto, SuppressionMatchDto, SuppressionWindowQueryDto, toSuppressionDto } from './dto/suppression.dto';
import { SuppressionPreviewDto, SuppressionStatsDto } from './dto/suppression-report.dto';
import { SuppressionReportsService } from './suppression-reports.service';
import { SuppressionsService } from './suppressions.service';

const MATCHING =
  'A rule matches an alert verdict of its class (null: any) from its source to its destination address or CIDR ' +
  'and destination port (null: any), until `expires_at`. A rule without a class must name a source or destination. ' +
  'A suppressed verdict raises or folds no alert and sends no event or webhook; its flow is stored with its label ' +
  'and `suppressed_by`, and counted (`hit_count`, GET /suppressions/stats, ids_alerts_suppressed_total).';

@ApiTags('suppressions')
@Controller('suppressions')
export class SuppressionsController {
  constructor(
    private readonly suppressions: SuppressionsService,
    private readonly reports: SuppressionReportsService,
  ) {}

  @Post()
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Create a suppression rule', description: MATCHING })
  @ApiCreatedResponse({ type: SuppressionDto })
  @ApiValidationErrors()
  async create(@Actor() actor: ActorContext, @Body() dto: SuppressionInputDto): Promise<SuppressionDto> {
    return toSuppressionDto(await this.suppressions.create(actor, dto), undefined);
  }

  @Get()
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'Suppression rules, newest first (expired ones too, with `active: false`)' })
  @ApiOkResponse({ type: [SuppressionDto] })
  async list(): Promise<SuppressionDto[]> {
    return (await this.suppressions.list()).map(({ rule, hits }) => toSuppressionDto(rule, hits));
  }

  @Post('preview')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'What a rule would have suppressed over the last hours',
    description: 'Alerting flows of the window (default 24 h) the rule matches, per class, with the latest few. Saves nothing.',
  })
  @ApiOkResponse({ type: SuppressionPreviewDto })
  @ApiValidationErrors()
  preview(@Body() dto: SuppressionMatchDto, @Query() query: SuppressionWindowQueryDto): Promise<SuppressionPreviewDto> {
    return this.reports.preview(dto, query.hours);
  }

  @Get('stats')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'Suppressed alert verdicts over the last hours (whole hours), per rule and class' })
  @ApiOkResponse({ type: SuppressionStatsDto })
  @ApiValidationErrors()
  stats(@Query() query: SuppressionWindowQueryDto): Promise<SuppressionStatsDto> {
    return this.reports.stats(query.hours);
  }

  @Get(':id')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'A suppression rule with its hit count' })
  @ApiOkResponse({ type: SuppressionDto })
  @ApiNotFound('Suppression rule')
  @ApiValidationErrors()
  async get(@Param('id', UuidPipe) id: string): Promise<SuppressionDto> {
    const { rule, hits } = await this.suppressions.get(id);
    return toSuppressionDto(rule, hits);
  }

  @Put(':id')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Replace a suppression rule (every field; its hit count stays)', description: MATCHING })
  @ApiOkResponse({ type: SuppressionDto })
  @ApiNotFound('Suppression rule')
  @ApiValidationErrors()
  async replace(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string, @Body() dto: SuppressionInputDto): Promise<SuppressionDto> {
    const rule = await this.suppressions.replace(actor, id, dto);
    return toSuppressionDto(rule, (await this.suppressions.get(id)).hits);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Delete a suppression rule (its flows keep `suppressed_by`; its hit counts go)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('Suppression rule')
  @ApiValidationErrors()
  async remove(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.suppressions.remove(actor, id);
  }
}
