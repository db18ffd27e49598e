import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Permission } from '../../core/permissions';
import { ApiRateLimited } from '../http/api-errors.decorator';
import { ErrorResponseDto } from '../http/error-response.dto';
import { ActorContext, Principal } from './principal';

export const PERMISSION_KEY = 'ids:permission';
export const AUTHENTICATED_KEY = 'ids:authenticated';
export const PRINCIPAL_KEY = 'principal';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

function documented(permission: Permission | null) {
  const decorators = [
    permission === Permission.READ_DECISIONS ? ApiSecurity('bouncer-key') : ApiBearerAuth('access-token'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked credentials', type: ErrorResponseDto }),
    ApiForbiddenResponse({
      description: permission ? `The caller lacks the \`${permission}\` permission` : 'Not available to API keys',
      type: ErrorResponseDto,
    }),
    ApiRateLimited(),
  ];
  if (permission === Permission.INGEST) decorators.push(ApiSecurity('api-key'));
  return decorators;
}

/** The route requires this permission (users through their role, API keys hold `ingest` only). */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(SetMetadata(PERMISSION_KEY, permission), ...documented(permission));

/** The route is open to any signed-in user (not to API keys), whatever the role. */
export const Authenticated = () => applyDecorators(SetMetadata(AUTHENTICATED_KEY, true), ...documented(null));

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** The caller, its address and the correlation id, for audit records. */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return { principal: request.principal ?? null, ip: request.ip ?? null, correlationId: String(request.id) };
});
