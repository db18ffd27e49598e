import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/auth.decorators';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { Permission } from '../core/permissions';
import { ActionStatsDto, AttackTypesDto, ModelStatsDto, TopAddressesDto } from './dto/stats-breakdown.dto';
import { StatsOverviewDto } from './dto/stats-overview.dto';
import { StatsPeriodQueryDto, StatsTimelineQueryDto, StatsTopQueryDto } from './dto/stats-query.dto';
import { StatsTimelineDto } from './dto/stats-timeline.dto';
import { StatsService } from './stats.service';

const PERIOD =
  ' The period is `range` (ending now; the current, still filling unit included) or `from` [/ `to`], widened to ' +
  'whole units; the answer gives the exact `from` / `to` used. Answers may be up to STATS_CACHE_TTL_SECONDS old.';

@ApiTags('stats')
@Controller('stats')
@RequirePermission(Permission.VIEW_STATS)
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @ApiOperation({
    summary: 'Dashboard overview',
    description:
      'Alerts by status and risk level (all time) and open ones (active + investigating); current rates from the ' +
      'last complete UTC minute of the rollups (flows_per_second = flows of that minute / 60, alerts_per_minute = ' +
      'alert verdicts of that minute); network blocks in force; the active model version.',
  })
  @ApiOkResponse({ type: StatsOverviewDto })
  overview(): Promise<StatsOverviewDto> {
    return this.stats.overview();
  }

  @Get('timeline')
  @ApiOperation({
    summary: 'Flows and alert verdicts per class and bucket',
    description:
      'Buckets of 1m, 1h or 1d (UTC-aligned), every bucket of the period present, zero where nothing was seen. ' +
      'At most 2,000 buckets (e.g. 1m buckets up to ~33 hours).' + PERIOD,
  })
  @ApiOkResponse({ type: StatsTimelineDto })
  @ApiValidationErrors()
  timeline(@Query() q: StatsTimelineQueryDto): Promise<StatsTimelineDto> {
    return this.stats.timeline(q);
  }

  @Get('top-sources')
  @ApiOperation({ summary: 'Source addresses with the most alert verdicts, then flows', description: 'Hourly rollups: the period is whole hours.' + PERIOD })
  @ApiOkResponse({ type: TopAddressesDto })
  @ApiValidationErrors()
  topSources(@Query() q: StatsTopQueryDto): Promise<TopAddressesDto> {
    return this.stats.topAddresses('src', q);
  }

  @Get('top-destinations')
  @ApiOperation({ summary: 'Destination addresses with the most alert verdicts, then flows', description: 'Hourly rollups: the period is whole hours.' + PERIOD })
  @ApiOkResponse({ type: TopAddressesDto })
  @ApiValidationErrors()
  topDestinations(@Query() q: StatsTopQueryDto): Promise<TopAddressesDto> {
    return this.stats.topAddresses('dst', q);
  }

  @Get('attack-types')
  @ApiOperation({ summary: 'Flows, alert verdicts and share of flows per predicted class', description: 'Whole minutes.' + PERIOD })
  @ApiOkResponse({ type: AttackTypesDto })
  @ApiValidationErrors()
  attackTypes(@Query() q: StatsPeriodQueryDto): Promise<AttackTypesDto> {
    return this.stats.attackTypes(q);
  }

  @Get('actions')
  @ApiOperation({
    summary: 'Network actions created in the period, by type and current status, automatic vs manual',
    description: 'Whole minutes.' + PERIOD,
  })
  @ApiOkResponse({ type: ActionStatsDto })
  @ApiValidationErrors()
  actions(@Query() q: StatsPeriodQueryDto): Promise<ActionStatsDto> {
    return this.stats.actions(q);
  }

  @Get('model')
  @ApiOperation({
    summary: 'Predictions per class and false-positive rate, per model version (all time)',
    description:
      'Predictions from the daily rollups. false_positive_rate = alerts of the version closed as false_positive / ' +
      'its alerts closed by an analyst (resolved + false_positive); null when none was closed.',
  })
  @ApiOkResponse({ type: ModelStatsDto })
  model(): Promise<ModelStatsDto> {
    return this.stats.model();
  }
}
