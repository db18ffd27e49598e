import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';

const LABELS = ['method', 'route', 'status_code'];

export const httpMetricProviders = [
  makeCounterProvider({ name: 'http_requests_total', help: 'HTTP requests handled', labelNames: LABELS }),
  makeHistogramProvider({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template',
    labelNames: LABELS,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
];

const START = Symbol('ids.requestStart');

/** Counts and times every HTTP response, labelled by the route template (never the raw URL). */
@Injectable()
export class HttpMetrics {
  constructor(
    @InjectMetric('http_requests_total') private readonly requests: Counter<string>,
    @InjectMetric('http_request_duration_seconds') private readonly duration: Histogram<string>,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request) => {
      (request as unknown as Record<symbol, bigint>)[START] = process.hrtime.bigint();
    });
    fastify.addHook('onResponse', async (request, reply) => {
      const started = (request as unknown as Record<symbol, bigint>)[START];
      const route = request.routeOptions?.url ?? 'unmatched';
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      this.requests.inc(labels);
      if (started !== undefined) this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }
}
