import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { correlationIdOf } from './infra/logging/correlation-id';
import { HttpMetrics } from './infra/metrics/http-metrics';
import { setupOpenApi } from './openapi';
import { RedisIoAdapter } from './realtime/redis-io.adapter';

export const API_PREFIX = 'api/v1';
export const UNPREFIXED_ROUTES = ['health/live', 'health/ready', 'metrics'];

export interface CreateAppOptions {
  /** Build the module graph without connecting to anything (used to write openapi.json). */
  preview?: boolean;
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.app.bodyLimitBytes,
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
}

/** Builds the configured application: adapter, prefix, validation, error filter, metrics hooks and OpenAPI. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    bufferLogs: true,
    preview: options.preview,
    abortOnError: false,
  });
  if (!options.preview) app.useLogger(app.get(Logger));
  else app.useLogger(new NestLogger());
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  if (!options.preview) app.useWebSocketAdapter(new RedisIoAdapter(app, config.redis.url, config.redis.keyPrefix));

  await app.register(multipart as never, { limits: { fileSize: config.ingest.importMaxBytes, files: 1, fields: 5 } });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  if (!options.preview) app.get(HttpMetrics).register(fastify);
  setupOpenApi(app);
  return app;
}
