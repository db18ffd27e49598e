import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenCheck } from '../../common/auth/access-token-check';
import { UserPrincipal, permissionsOf } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { BoardCredential, credentialOf } from './board-credentials';

/** Managing the queues is system configuration: admins only. */
export const BOARD_PERMISSION = Permission.SYSTEM_CONFIG;

export interface BoardAccess {
  principal: UserPrincipal;
  credential: BoardCredential;
  /** When the access token expires (epoch milliseconds). */
  expiresAt: number;
}

/**
 * Admits a board request: an access token (bearer header or board cookie) checked exactly as the API's guard
 * checks it (signature, claims, user, session, token version), whose role has the system_config permission.
 * Anything else is refused: 401 without a valid token, 403 for other roles.
 */
@Injectable()
export class BoardAccessGuard {
  constructor(private readonly sessions: AccessTokenCheck) {}

  async admit(request: FastifyRequest): Promise<BoardAccess> {
    const credential = credentialOf(request);
    if (!credential) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Authentication required: an admin access token (bearer header or board session)');
    const result = await this.sessions.check(credential.token);
    if ('error' in result) throw new DomainError(ErrorCode.UNAUTHENTICATED, `Authentication required: ${result.error}`);
    if (!permissionsOf(result.principal).has(BOARD_PERMISSION)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `The queue board requires the ${BOARD_PERMISSION} permission`);
    }
    return { principal: result.principal, credential, expiresAt: result.expiresAt };
  }
}
