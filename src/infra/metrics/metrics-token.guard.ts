import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';

/** When `METRICS_TOKEN` is set, `/metrics` requires it as a bearer token (Prometheus' `authorization` setting). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.get('metrics.token', { infer: true });
    if (!token) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(token);
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) return true;
    throw new DomainError(ErrorCode.UNAUTHENTICATED, 'A valid metrics bearer token is required');
  }
}
