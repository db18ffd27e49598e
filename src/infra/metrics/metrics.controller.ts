import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '../../common/decorators/public.decorator';
import { MetricsTokenGuard } from './metrics-token.guard';

@ApiTags('operations')
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @Public()
  @UseGuards(MetricsTokenGuard)
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Requires `METRICS_TOKEN` as a bearer token when set.' })
  @ApiBearerAuth('metrics-token')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the bearer token does not match' })
  override async index(@Res({ passthrough: true }) response: unknown) {
    return super.index(response);
  }
}
