import { Injectable } from '@nestjs/common';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { ReadinessRegistry, withTimeout } from '../health/readiness.registry';

export const READINESS_METRIC = 'ids_readiness_status';

/**
 * The components `/health/ready` checks (every probe of the readiness registry, the database and Redis included,
 * with the same timeouts), evaluated at each scrape: 1 per component that answers, 0 per one that does
 * not. Operators alert on it without probing the endpoint from outside.
 */
@Injectable()
export class ReadinessMetrics {
  constructor(private readonly registry: ReadinessRegistry) {}

  async collect(gauge: Gauge<string>): Promise<void> {
    const results = await Promise.all(
      this.registry.entries().map(async ([component, { probe, timeoutMs }]) => [component, await withTimeout(probe(), timeoutMs, component).then(() => 1, () => 0)] as const),
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
