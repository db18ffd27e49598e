import { UserPrincipal } from './principal';

/** Why an access token is refused (the socket handshake sends it as `unauthorized: <reason>`). */
export type SessionRefusal = 'invalid or expired token' | 'session revoked' | 'token revoked';

export type SessionCheck = { principal: UserPrincipal; expiresAt: number } | { error: SessionRefusal };

/** The one check of a user's access token; the auth module provides it (SessionService). */
export abstract class AccessTokenCheck {
  abstract check(token: string): Promise<SessionCheck>;
}
