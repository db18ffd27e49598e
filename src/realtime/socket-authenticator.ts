import { Injectable } from '@nestjs/common';
import type { Handshake } from 'socket.io/dist/socket-types';
import { TokenService } from '../auth/token.service';
import { UserPrincipal } from '../common/auth/principal';
import { UsersRepository } from '../users/users.repository';

export type SocketAuthResult = { principal: UserPrincipal; expiresAt: number } | { error: string };

/** Checks an access token exactly as the HTTP guard does (signature, claims, user, session, token version). */
@Injectable()
export class SocketAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
  ) {}

  tokenOf(handshake: Handshake): string | null {
    const fromAuth = (handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof fromAuth === 'string' && fromAuth) return fromAuth.replace(/^Bearer\s+/i, '');
    const header = handshake.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice(7) : null;
  }

  async authenticate(token: string): Promise<SocketAuthResult> {
    const claims = this.tokens.verifyAccess(token);
    if (!claims) return { error: 'invalid or expired token' };
    const state = await this.users.findAuthState(claims.sub, claims.sid);
    if (!state || state.sessionRevoked) return { error: 'session revoked' };
    const { user } = state;
    if (!user.isActive || user.tokenVersion !== claims.ver) return { error: 'token revoked' };
    const expiresAt = ((claims as { exp?: number }).exp ?? 0) * 1000;
    return { principal: { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId: claims.sid }, expiresAt };
  }
}
