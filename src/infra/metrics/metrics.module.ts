import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetrics, httpMetricProviders } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

/** The one prom-client registry (the default), Node's default metrics and the HTTP metrics. */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: '/metrics',
      defaultMetrics: { enabled: true },
    }),
  ],
  providers: [...httpMetricProviders, HttpMetrics, MetricsTokenGuard],
  exports: [HttpMetrics, PrometheusModule],
})
export class MetricsModule {}
