import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, FieldProblem, statusForCode } from '../../core/domain-error';
import { isDependencyUnavailable } from '../../core/dependency-unavailable';

export interface ErrorBody {
  status_code: number;
  error: ErrorCode;
  message: string;
  details?: FieldProblem[];
  correlation_id: string;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.DEPENDENCY_UNAVAILABLE,
};

interface Normalised {
  status: number;
  code: ErrorCode;
  message: string;
  details?: FieldProblem[];
  retryAfter?: number;
}

function messageOf(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  const m = (response as { message?: unknown })?.message;
  if (Array.isArray(m)) return m.join('; ');
  return typeof m === 'string' ? m : fallback;
}

/** Errors raised by Fastify itself (malformed JSON, body too large, wrong content type) carry a 4xx statusCode. */
function isClientError(e: unknown): e is Error & { statusCode: number; code?: string } {
  const status = (e as { statusCode?: unknown })?.statusCode;
  return e instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/** Statuses that always concern the request body as a whole (its size or its media type) when no field is named. */
const BODY_STATUSES = new Set([HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.UNSUPPORTED_MEDIA_TYPE]);
/** Statuses of client errors about the input: the answer names the field concerned. */
const INPUT_STATUSES = new Set([HttpStatus.BAD_REQUEST, ...BODY_STATUSES]);
/** Fastify's errors about the URL rather than the body. */
const URL_ERRORS = new Set(['FST_ERR_BAD_URL', 'FST_ERR_INVALID_URL']);

export function normaliseError(exception: unknown): Normalised {
  if (exception instanceof DomainError) {
    const status = statusForCode(exception.code);
    return {
      status,
      code: exception.code,
      message: exception.message,
      details: exception.details.length ? exception.details : BODY_STATUSES.has(status) ? [{ field: 'body', reason: exception.message }] : undefined,
      retryAfter: exception.retryAfter,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST);
    return { status, code, message: messageOf(exception.getResponse(), exception.message) };
  }
  if (isClientError(exception)) {
    const status = exception.statusCode;
    // Fastify refuses a request before any handler for its URL or its body: name the one concerned
    const field = URL_ERRORS.has(exception.code ?? '') ? 'url' : 'body';
    const details = INPUT_STATUSES.has(status) ? [{ field, reason: exception.message }] : undefined;
    return { status, code: CODE_BY_STATUS[status] ?? ErrorCode.BAD_REQUEST, message: exception.message, details };
  }
  if (isDependencyUnavailable(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      code: ErrorCode.DEPENDENCY_UNAVAILABLE,
      message: 'A backing service (database or Redis) is unavailable; retry shortly',
      retryAfter: 5,
    };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: ErrorCode.INTERNAL, message: 'Internal server error' };
}

/**
 * Answers `exception` on `reply` in the API's error shape (status, Retry-After, details, correlation id). The
 * errors `logged` picks go to the log line carrying the same correlation id, never to the client.
 */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
  logger: Logger,
  logged: (e: Normalised) => boolean,
): FastifyReply {
  const e = normaliseError(exception);
  const correlationId = String(request.id);
  if (logged(e)) logger.error({ err: exception, correlationId }, `Unhandled error on ${request.method} ${request.url}`);
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

/** The one global filter: domain codes → statuses, validation details, and no internals on a 500. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    void sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, this.logger, (e) => e.status >= 500);
  }
}
