import { Injectable } from '@nestjs/common';
import type { Handshake } from 'socket.io/dist/socket-types';
import { SessionCheck, SessionService } from '../auth/session.service';

export type SocketAuthResult = SessionCheck;

/** Reads the access token of a handshake and checks it with the HTTP guard's own check (SessionService). */
@Injectable()
export class SocketAuthenticator {
  constructor(private readonly sessions: SessionService) {}

  tokenOf(handshake: Handshake): string | null {
    const fromAuth = (handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof fromAuth === 'string' && fromAuth) return fromAuth.replace(/^Bearer\s+/i, '');
    const header = handshake.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice(7) : null;
  }

  authenticate(token: string): Promise<SocketAuthResult> {
    return this.sessions.check(token);
  }
}
