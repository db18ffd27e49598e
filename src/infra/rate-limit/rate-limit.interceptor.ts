import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { AuthenticatedRequest, PERMISSION_KEY } from '../../common/auth/auth.decorators';
import { RateLimitDecision, RateLimitService } from './rate-limit.service';
import { RateLimitScope, rateLimitTarget } from './rate-limit.policy';

const WHOSE: Record<RateLimitScope, string> = { ingest: 'this caller on ingest routes', api: 'this user', anonymous: 'this address' };

/**
 * Applies the per-principal rate limits and reports them in `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset` and `RateLimit-Policy`; past a limit, 429 with `Retry-After`. An interceptor rather than a
 * guard: it runs after the authentication guard whatever the module order, so the caller is known, and before
 * the validation pipes, so a refused request costs no validation.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const target = rateLimitTarget({
      route: request.routeOptions?.url,
      permission: this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]),
      principal: request.principal,
      ip: request.ip,
    });
    const decision = target && (await this.limits.consume(target));
    if (!target || !decision) return next.handle();
    setHeaders(http.getResponse<FastifyReply>(), decision);
    if (!decision.allowed) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `Rate limit exceeded: at most ${decision.limit} requests per ${decision.windowSeconds} s for ${WHOSE[target.scope]}`,
        { retryAfter: decision.resetSeconds },
      );
    }
    return next.handle();
  }
}

function setHeaders(reply: FastifyReply, d: RateLimitDecision): void {
  reply.header('RateLimit-Limit', d.limit);
  reply.header('RateLimit-Remaining', d.remaining);
  reply.header('RateLimit-Reset', d.resetSeconds);
  reply.header('RateLimit-Policy', `${d.limit};w=${d.windowSeconds}`);
}
