import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonBodyFastifyAdapter } from './common/http/json-body';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { answerFastifyError, answerRouteErrorsLikeNest } from './common/filters/fastify-errors';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { servesApi } from './config/process-role';
import { DomainError, ErrorCode } from './core/domain-error';
import { replyWithError } from './infra/lifecycle/error-reply';
import { Stoppable } from './infra/lifecycle/graceful-shutdown';
import { ShutdownState } from './infra/lifecycle/shutdown-state';
import { listenForProbes } from './infra/lifecycle/probe-server';
import { correlationIdOf } from './infra/logging/correlation-id';
import { HttpMetrics } from './infra/metrics/http-metrics';
import { DECISIONS_ROUTES } from './network/decisions/decisions.controller';
import { setupOpenApi } from './openapi';
import { RealtimeGateway } from './realtime/realtime.gateway';
import { RedisIoAdapter } from './realtime/redis-io.adapter';

export const API_PREFIX = 'api/v1';
export const UNPREFIXED_ROUTES = ['/', 'health/live', 'health/ready', 'metrics', ...DECISIONS_ROUTES];

export interface CreateAppOptions {
  /** Build the module graph without connecting to anything (used to write openapi.json). */
  preview?: boolean;
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new JsonBodyFastifyAdapter({
    bodyLimit: config.app.bodyLimitBytes,
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    trustProxy: config.app.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: answerFastifyError,
    // requests that still arrive while the listener closes get the application's own 503 (see refuseWhileClosing)
    return503OnClosing: false,
  });
}

/**
 * Builds the HTTP application (the `api` and `all` roles): adapter, prefix, validation, error filter, metrics
 * hooks and OpenAPI.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  if (!servesApi(config.app.role)) throw new Error(`PROCESS_ROLE=${config.app.role} serves no HTTP API: start it with startWorker()`);
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
  if (!options.preview) app.useWebSocketAdapter(new RedisIoAdapter(app, config.redis.url, config.redis.keyPrefix));

  await app.register(multipart as never, { limits: { fileSize: config.ingest.importMaxBytes, files: 1, fields: 5 } });
  const fastify = app.getHttpAdapter().getInstance();
  answerRouteErrorsLikeNest(fastify);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  if (!options.preview) {
    refuseWhileClosing(fastify, app.get(ShutdownState));
    app.get(HttpMetrics).register(fastify);
  }
  setupOpenApi(app);
  return app;
}

/**
 * Once the listener is closing, a request arriving on a connection that is still open gets 503, and every
 * response (those of the requests in flight too) closes its connection.
 */
function refuseWhileClosing(fastify: FastifyInstance, shutdown: ShutdownState): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (shutdown.phase !== 'closing') return;
    return replyWithError(request, reply, new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, 'This instance is shutting down: retry the request', { retryAfter: 1 }));
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (shutdown.phase === 'closing') reply.header('connection', 'close');
  });
}

/** Every this often while the listener closes, connections whose last request has been answered are closed. */
const IDLE_SWEEP_MS = 100;

/** A started process: its application and how the graceful shutdown stops it. */
export interface StartedProcess extends Stoppable {
  readonly app: INestApplicationContext;
  /** Where it listens (the API, or a worker's /health and /metrics). */
  readonly address: string;
}

/** The HTTP API listening on the configured address (the `api` and `all` roles). */
export async function startApi(config: AppConfig): Promise<StartedProcess> {
  const app = await createApp(config);
  await app.listen({ port: config.app.port, host: config.app.host });
  return {
    app,
    address: await app.getUrl(),
    shutdown: app.get(ShutdownState),
    async closeListeners() {
      // open WebSockets (and pending long-polls) would keep the HTTP server from closing: clients reconnect elsewhere
      app.get(RealtimeGateway).server?.local.disconnectSockets(true);
      // Node closes the idle keep-alive connections once, when closing starts; a connection whose request
      // finishes later would stay open (and keep the server from closing) until its keep-alive timeout
      const server = app.getHttpServer();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      try {
        await app.getHttpAdapter().close();
      } finally {
        clearInterval(sweep);
      }
    },
    close: () => app.close(),
  };
}

/**
 * A worker (the `worker` role): the application without its HTTP API (no controllers are routed, no Socket.IO
 * server), running the queues, the stream consumer and the schedules, with a listener for /health and /metrics.
 * The listener stays open until the end of a shutdown so /health/ready can report it.
 */
export async function startWorker(config: AppConfig): Promise<StartedProcess> {
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const probes = await listenForProbes(app, config);
  const address = probes.addresses()[0];
  return {
    app,
    address: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    shutdown: app.get(ShutdownState),
    closeListeners: async () => undefined,
    async close() {
      await app.close();
      await probes.close();
    },
  };
}
