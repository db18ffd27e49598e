import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService, API_KEY_MARK } from './api-keys/api-keys.service';
import { SessionService } from './session.service';
import { BOUNCER_KEY_MARK, BouncerKeysService } from './bouncer-keys/bouncer-keys.service';
import { DomainError, ErrorCode } from '../core/domain-error';
import { Permission } from '../core/permissions';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { AUTHENTICATED_KEY, AuthenticatedRequest, PERMISSION_KEY } from '../common/auth/auth.decorators';
import { permissionsOf, Principal } from '../common/auth/principal';

const userAgentOf = (request: AuthenticatedRequest): string | null => {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' && ua ? ua : null;
};

const unauthenticated = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'Authentication required');

/**
 * The one global guard. Every route is closed unless marked `@Public()`; otherwise it must declare
 * `@RequirePermission(...)` or `@Authenticated()` (a route with neither is refused to everyone). Users present an
 * access token (`Authorization: Bearer <jwt>`); sensors an API key (`Authorization: Bearer idsk_…` or `X-API-Key`);
 * CrowdSec bouncers a bouncer key (`X-Api-Key: idsb_…`), which opens the decisions routes only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly apiKeys: ApiKeysService,
    private readonly bouncers: BouncerKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    const anyUser = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets);

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!principal) throw unauthenticated();
    request.principal = principal;

    if (permission) {
      if (permissionsOf(principal).has(permission)) {
        if (principal.kind === 'bouncer') await this.bouncers.recordPull(principal.id, request.ip ?? null, userAgentOf(request));
        return true;
      }
      throw new DomainError(ErrorCode.FORBIDDEN, `This requires the ${permission} permission`);
    }
    if (anyUser && principal.kind === 'user') return true;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Not allowed');
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    const apiKeyHeader = request.headers['x-api-key'];
    if (typeof apiKeyHeader === 'string' && apiKeyHeader) {
      return apiKeyHeader.startsWith(BOUNCER_KEY_MARK) ? this.bouncers.authenticate(apiKeyHeader) : this.apiKeys.authenticate(apiKeyHeader);
    }
    if (!header) return null;
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match) return null;
    const credential = match[1];
    if (credential.startsWith(API_KEY_MARK)) return this.apiKeys.authenticate(credential);
    return this.authenticateUser(credential);
  }

  /** The same check as the Socket.IO handshake's (SessionService). */
  private async authenticateUser(token: string): Promise<Principal | null> {
    const result = await this.sessions.check(token);
    return 'error' in result ? null : result.principal;
  }
}
