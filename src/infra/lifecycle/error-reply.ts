import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody, normaliseError } from '../../common/filters/all-exceptions.filter';
import { DomainError } from '../../core/domain-error';

const logger = new Logger('HttpErrors');

/**
 * Answers `error` with the status, JSON shape and correlation id the global exception filter gives inside Nest,
 * for what Fastify serves outside Nest's router (hooks, the queue board, a worker's probes). An unexpected error
 * is logged with the correlation id; an error the application raised on purpose is not.
 */
export function replyWithError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const e = normaliseError(error);
  const correlationId = String(request.id);
  if (e.status >= 500 && !(error instanceof DomainError)) {
    logger.error({ err: error, correlationId }, `Unhandled error on ${request.method} ${request.url}`);
  }
  if (e.retryAfter !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfter))));
  const body: ErrorBody = {
    status_code: e.status,
    error: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
    correlation_id: correlationId,
  };
  return reply.status(e.status).send(body);
}
