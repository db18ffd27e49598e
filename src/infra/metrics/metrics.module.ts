import { Global, Module, OnModuleInit } from '@nestjs/common';
import { register } from 'prom-client';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetrics, httpMetricProviders } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { QueueMetrics, queueMetricProviders } from './queue.metrics';
import { ReadinessMetrics, readinessMetricProviders } from './readiness.metrics';
import { StreamBacklog, streamBacklogMetricProviders } from './stream-backlog.metrics';

/**
 * The one prom-client registry (the default), Node's default metrics, the HTTP metrics, and the gauges read at
 * scrape time: Bull queue depths, the ingest stream backlog and readiness.
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: '/metrics',
      defaultMetrics: { enabled: true },
    }),
  ],
  providers: [
    ...httpMetricProviders,
    HttpMetrics,
    MetricsTokenGuard,
    QueueMetrics,
    ...queueMetricProviders,
    StreamBacklog,
    ...streamBacklogMetricProviders,
    ReadinessMetrics,
    ...readinessMetricProviders,
  ],
  exports: [HttpMetrics, PrometheusModule],
})
export class MetricsModule implements OnModuleInit {
  /**
   * prom-client's defaults include three gauges named `*_total`, which `promtool check metrics` rejects (the
   * suffix is reserved for counters); the same figures remain available per type without the suffix.
   */
  onModuleInit(): void {
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      register.removeSingleMetric(name);
    }
  }
}
