import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from './all-exceptions.filter';

const filter = new AllExceptionsFilter();

/** Answers an error raised by Fastify itself the way the global filter answers errors inside Nest. */
export function answerFastifyError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // a URL that reaches no route skips the onRequest hooks, the one that sets this header included
  reply.header('x-request-id', String(request.id));
  filter.catch(error, new ExecutionContextHost([request, reply]));
}

/**
 * Errors Fastify raises before Nest's router runs (a body that is not valid JSON, an unsupported media type, a
 * body over the limit) would get Fastify's own error format: give every route the global filter's answer
 * instead. Call it before the routes are registered (`app.init()`). Malformed URLs, which reach no route, are
 * answered through the adapter's `frameworkErrors` option with {@link answerFastifyError}.
 */
export function answerRouteErrorsLikeNest(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    route.errorHandler ??= answerFastifyError;
  });
}
