import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService, API_KEY_MARK } from '../../auth/api-keys/api-keys.service';
import { TokenService } from '../../auth/token.service';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { UsersRepository } from '../../users/users.repository';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { AUTHENTICATED_KEY, AuthenticatedRequest, PERMISSION_KEY } from './auth.decorators';
import { permissionsOf, Principal } from './principal';

const unauthenticated = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'Authentication required');

/**
 * The one global guard. Every route is closed unless marked `@Public()`; otherwise it must declare
 * `@RequirePermission(...)` or `@Authenticated()` (a route with neither is refused to everyone). Users present an
 * access token (`Authorization: Bearer <jwt>`); sensors an API key (`Authorization: Bearer idsk_…` or `X-API-Key`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
    private readonly apiKeys: ApiKeysService,
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
      if (permissionsOf(principal).has(permission)) return true;
      throw new DomainError(ErrorCode.FORBIDDEN, `This requires the ${permission} permission`);
    }
    if (anyUser && principal.kind === 'user') return true;
    throw new DomainError(ErrorCode.FORBIDDEN, 'Not allowed');
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    const apiKeyHeader = request.headers['x-api-key'];
    if (typeof apiKeyHeader === 'string' && apiKeyHeader) return this.apiKeys.authenticate(apiKeyHeader);
    if (!header) return null;
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match) return null;
    const credential = match[1];
    if (credential.startsWith(API_KEY_MARK)) return this.apiKeys.authenticate(credential);
    return this.authenticateUser(credential);
  }

  private async authenticateUser(token: string): Promise<Principal | null> {
    const claims = this.tokens.verifyAccess(token);
    if (!claims) return null;
    const state = await this.users.findAuthState(claims.sub, claims.sid);
    if (!state || state.sessionRevoked) return null;
    const { user } = state;
    if (!user.isActive || user.deletedAt || user.tokenVersion !== claims.ver) return null;
    return { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId: claims.sid };
  }
}
