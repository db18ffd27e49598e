import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReadinessRegistry, withTimeout } from '../health/readiness.registry';
import { REDIS_CLIENT } from '../redis/redis.constants';

export const READINESS_METRIC = 'ids_readiness_status';

/**
 * The components `/health/ready` checks (the database, Redis and every probe registered with the readiness
 * registry, with the same timeouts), evaluated at each scrape: 1 per component that answers, 0 per one that does
 * not. Operators alert on it without probing the endpoint from outside.
 */
@Injectable()
export class ReadinessMetrics {
  constructor(
    private readonly registry: ReadinessRegistry,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async collect(gauge: Gauge<string>): Promise<void> {
    const timeout = this.config.get('database.healthTimeoutMs', { infer: true });
    const checks: [string, () => Promise<unknown>, number][] = [
      ['database', () => this.db.query('SELECT 1'), timeout],
      ['redis', () => this.redis.ping(), timeout],
      ...this.registry.entries().map(([name, { probe, timeoutMs }]): [string, () => Promise<unknown>, number] => [name, probe, timeoutMs]),
    ];
    const results = await Promise.all(
      checks.map(async ([component, probe, ms]) => [component, await withTimeout(probe(), ms, component).then(() => 1, () => 0)] as const),
    );
    gauge.reset();
    for (const [component, up] of results) gauge.set({ component }, up);
  }
}

export const readinessMetricProviders = [
  makeGaugeProvider({
    name: READINESS_METRIC,
    help: 'Readiness of each component /health/ready checks (1 up, 0 down), evaluated at scrape time',
    labelNames: ['component'],
    inject: [ReadinessMetrics],
    collect(this: Gauge<string>, readiness: ReadinessMetrics) {
      return readiness.collect(this);
    },
  }),
];
