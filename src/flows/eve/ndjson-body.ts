import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../../config/app-config';

export const NDJSON = 'application/x-ndjson';
const NDJSON_ROUTE = 'idsNdjsonBody';

/**
 * The route takes NDJSON: its body reaches the handler as a string, sent as `application/x-ndjson` or as
 * `application/json` with one object per line (which the JSON parser would refuse past the first line).
 */
export const NdjsonBody = () => RouteConfig({ [NDJSON_ROUTE]: true });

/**
 * Registers the `application/x-ndjson` body parser (the body kept as a string, within BODY_LIMIT) and, for
 * routes marked {@link NdjsonBody}, reads `application/json` bodies the same way.
 */
@Injectable()
export class NdjsonBodyParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser(NDJSON)) return;
    const bodyLimit = this.config.get('app.bodyLimitBytes', { infer: true });
    fastify.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
    fastify.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
      if (!config?.[NDJSON_ROUTE]) return;
      if (/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) request.headers['content-type'] = NDJSON;
    });
  }
}
