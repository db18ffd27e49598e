import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { ReadinessRegistry, withTimeout } from './readiness.registry';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and serving' })
  live() {
    return this.health.check([async () => this.indicator.check('process').up({ pid: process.pid })]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database, Redis and every registered component answer' })
  @ApiOkResponse({ description: 'All components are ready' })
  @ApiServiceUnavailableResponse({ description: 'At least one component is not ready; it is named in `error`' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, this.registry.entries().map(([name, { probe, timeoutMs }]) => () => this.probe(name, probe, timeoutMs)));
  }

  /**
   * Terminus reports a failed check by throwing; its report (which component failed and why) is the 503 body
   * here, not an error for the global filter to log and reshape: a load balancer probes this while a dependency
   * is down.
   */
  private async answer(reply: FastifyReply, checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return e.getResponse() as HealthCheckResult;
    }
  }

  private async probe(
    name: string,
    probe: () => Promise<Record<string, unknown> | void>,
    timeoutMs: number,
  ): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(name);
    try {
      const details = await withTimeout(probe(), timeoutMs, name);
      return check.up(details ?? {});
    } catch (e) {
      return check.down({ message: e instanceof Error ? e.message : String(e) });
    }
  }
}
