import { INestApplicationContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Fastify, { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { HealthController } from '../health/health.controller';
import { correlationIdOf } from '../logging/correlation-id';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsTokenGuard } from '../metrics/metrics-token.guard';
import { replyWithError } from './error-reply';

/**
 * The HTTP listener of a worker, on PORT/HOST: /health/live, /health/ready and /metrics, answered by the API's
 * own handlers (same checks, METRICS_TOKEN and error shape), so orchestrators probe a worker and Prometheus
 * scrapes it like an API instance. Every other path is 404: a worker serves no API.
 */
export async function listenForProbes(app: INestApplicationContext, config: AppConfig): Promise<FastifyInstance> {
  const health = app.get(HealthController);
  const metrics = app.get(MetricsController);
  const metricsGuard = app.get(MetricsTokenGuard);
  const fastify = Fastify({ genReqId: (req: IncomingMessage) => correlationIdOf(req), return503OnClosing: false });

  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  fastify.get('/health/live', () => health.live());
  fastify.get('/health/ready', (_request, reply) => health.ready(reply));
  fastify.get('/metrics', async (request, reply) => {
    metricsGuard.canActivate(new ExecutionContextHost([request, reply]));
    return metrics.index(reply);
  });
  fastify.setNotFoundHandler((request, reply) =>
    replyWithError(request, reply, new DomainError(ErrorCode.NOT_FOUND, `${request.method} ${request.url}: a worker serves /health and /metrics only`)),
  );
  fastify.setErrorHandler((error, request, reply) => replyWithError(request, reply, error));
  await fastify.listen({ port: config.app.port, host: config.app.host });
  return fastify;
}
