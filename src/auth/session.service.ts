import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OnEvent } from '@nestjs/event-emitter';
import { AccessTokenCheck, SessionCheck } from '../common/auth/access-token-check';
import { UserPrincipal } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { UserChangedEvent, UserEvents } from '../users/user.events';
import { UsersRepository } from '../users/users.repository';
import { SessionBus, SessionEnded, SessionSignal } from './session-bus';
import { TokenService } from './token.service';

export type { SessionCheck, SessionRefusal } from '../common/auth/access-token-check';

/** Most sessions kept in the cache of live sessions; the oldest entry goes first beyond it. */
const CACHE_MAX_ENTRIES = 10_000;

/**
 * The one check of an access token, for REST (AuthGuard) and Socket.IO (SocketAuthenticator) alike: signature and
 * claims (`exp` required), then the user (exists, active, not deleted, same token version) and the session (a
 * refresh family of this user that exists, is not revoked and has not expired). A live result is cached for
 * AUTH_SESSION_CACHE_SECONDS; ending a session drops it from the cache of every process (see {@link SessionBus}).
 */
@Injectable()
export class SessionService implements OnModuleDestroy, AccessTokenCheck {
  private readonly live = new Map<string, { principal: UserPrincipal; until: number }>();
  /** Bumped by every invalidation: a look-up that started before one does not cache what it read. */
  private generation = 0;
  private readonly cacheMs: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
    private readonly bus: SessionBus,
    config: ConfigService<AppConfig, true>,
  ) {
    this.cacheMs = config.get('auth.sessionCacheSeconds', { infer: true }) * 1000;
    this.unsubscribe = bus.subscribe((signal) => this.forget(signal));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async check(token: string): Promise<SessionCheck> {
    const claims = this.tokens.verifyAccess(token);
    if (!claims) return { error: 'invalid or expired token' };
    const expiresAt = claims.exp * 1000;
    const key = `${claims.sid}:${claims.sub}:${claims.ver}`;
    const now = Date.now();
    const cached = this.live.get(key);
    if (cached && cached.until > now) return { principal: cached.principal, expiresAt };
    if (cached) this.live.delete(key);

    const generation = this.generation;
    const state = await this.users.findAuthState(claims.sub, claims.sid);
    if (!state || !state.sessionLive) return { error: 'session revoked' };
    const { user } = state;
    if (!user.isActive || user.deletedAt || user.tokenVersion !== claims.ver) return { error: 'token revoked' };
    const { id, email, role } = user;
    const principal: UserPrincipal = { kind: 'user', id, email, role, sessionId: claims.sid };
    if (this.cacheMs > 0 && generation === this.generation) this.remember(key, principal, now);
    return { principal, expiresAt };
  }

  /** Ends a session (or all of a user's) everywhere: caches of every process, open sockets. Call after the commit. */
  end(ended: SessionEnded): Promise<void> {
    return this.bus.publish(ended);
  }

  /** Role change, deactivation, deletion, password reset: the users module ended every session of the user. */
  @OnEvent(UserEvents.CHANGED)
  async onUserChanged(event: UserChangedEvent): Promise<void> {
    if (event.sessions_ended) await this.end({ userId: event.user_id, sessionId: null, reason: event.sessions_ended });
  }

  private remember(key: string, principal: UserPrincipal, now: number): void {
    if (this.live.size >= CACHE_MAX_ENTRIES) this.live.delete(this.live.keys().next().value as string);
    this.live.set(key, { principal, until: now + this.cacheMs });
  }

  private forget(signal: SessionSignal): void {
    this.generation++;
    if (signal.kind === 'resync') return this.live.clear();
    const { userId, sessionId } = signal.ended;
    for (const [key, { principal }] of this.live) {
      if (principal.id === userId && (sessionId === null || principal.sessionId === sessionId)) this.live.delete(key);
    }
  }
}
