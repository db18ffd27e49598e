import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../common/filters/all-exceptions.filter';
import { DomainError } from '../../core/domain-error';

const logger = new Logger('HttpErrors');

/**
 * Answers `error` with the status, JSON shape and correlation id the global exception filter gives inside Nest,
 * for what Fastify serves outside Nest's router (hooks, the queue board, a worker's probes). An unexpected error
 * is logged with the correlation id; an error the application raised on purpose is not.
 */
export function replyWithError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  return sendError(request, reply, error, logger, (e) => e.status >= 500 && !(error instanceof DomainError));
}
