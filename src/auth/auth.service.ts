import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ActorContext, UserPrincipal } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../core/domain-error';
import { toUserDto } from '../users/dto/user.dto';
import { UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { assertPasswordAllowed, UsersService } from '../users/users.service';
import { TokenResponseDto } from './dto/auth.dto';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from '../users/password.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionService } from './session.service';
import { hashSecret, TokenService } from './token.service';

const invalidCredentials = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'Invalid credentials');
const invalidRefresh = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'Invalid or expired refresh token');

interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly sessions: SessionService,
    private readonly usersService: UsersService,
  ) {}

  /** Same answer and similar cost for an unknown login and a wrong password. */
  async login(actor: ActorContext, login: string, password: string, client: ClientInfo): Promise<TokenResponseDto> {
    const ip = client.ip ?? 'unknown';
    await this.throttle.assertAllowed(login, ip);
    const user = await this.users.findForLogin(login);
    const ok = user ? await this.passwords.verify(user.passwordHash, password) : await this.passwords.verifyDummy(password);
    if (!user || !ok || !user.isActive) {
      await this.throttle.recordFailure(login, ip);
      await this.audit.record(actor, {
        action: 'auth.login',
        outcome: 'failure',
        actorLabel: login.slice(0, 320),
        targetType: 'user',
        targetId: user?.id ?? null,
        details: { reason: !user ? 'unknown_login' : !ok ? 'wrong_password' : 'inactive' },
      });
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(login, ip);
    await this.users.recordLogin(user.id);
    const response = await this.users.manager.transaction((m) =>
      this.issue(m, user, { familyId: randomUUID(), parentId: null, familyExpiresAt: null }, client),
    );
    await this.audit.record(
      { ...actor, principal: { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId: '' } },
      { action: 'auth.login', targetType: 'user', targetId: user.id },
    );
    return response;
  }

  /**
   * Rotates a refresh token. A token presented a second time means it leaked: its whole family (the session) is
   * revoked, the event audited, and the caller refused.
   */
  async refresh(actor: ActorContext, token: string, client: ClientInfo): Promise<TokenResponseDto> {
    const outcome = await this.refreshTokens.manager.transaction(async (m) => {
      const row = await this.refreshTokens.findByHashForUpdate(m, hashSecret(token));
      if (!row) return { error: invalidRefresh() };
      if (row.usedAt || row.revokedAt) {
        if (row.usedAt && !row.revokedAt) {
          await this.refreshTokens.revokeFamily(m, row.familyId, 'reuse_detected');
          await this.audit.record(actor, { action: 'auth.refresh_reuse', outcome: 'denied', targetType: 'user', targetId: row.userId, details: { family_id: row.familyId } }, m);
          return { error: invalidRefresh(), ended: { userId: row.userId, sessionId: row.familyId, reason: 'reuse_detected' } };
        }
        return { error: invalidRefresh() };
      }
      const now = Date.now();
      if (row.expiresAt.getTime() <= now || row.familyExpiresAt.getTime() <= now) return { error: invalidRefresh() };
      const user = await m.getRepository(UserEntity).findOne({ where: { id: row.userId } });
      if (!user || !user.isActive) return { error: invalidRefresh() };
      await this.refreshTokens.markUsed(m, row.id);
      const parent = { familyId: row.familyId, parentId: row.id, familyExpiresAt: row.familyExpiresAt };
      return { response: await this.issue(m, user, parent, client) };
    });
    if (outcome.ended) await this.sessions.end(outcome.ended);
    if (outcome.error) throw outcome.error;
    return outcome.response!;
  }

  /** Ends the caller's session: its refresh family is revoked and its access tokens stop working. */
  async logout(actor: ActorContext, principal: UserPrincipal): Promise<void> {
    await this.refreshTokens.manager.transaction(async (m) => {
      await this.refreshTokens.revokeFamily(m, principal.sessionId, 'logout');
      await this.audit.record(actor, { action: 'auth.logout', targetType: 'user', targetId: principal.id }, m);
    });
    await this.sessions.end({ userId: principal.id, sessionId: principal.sessionId, reason: 'logout' });
  }

  async me(principal: UserPrincipal): Promise<UserEntity> {
    const user = await this.users.findById(principal.id);
    if (!user) throw invalidCredentials();
    return user;
  }

  /** Changes the caller's password; every session of the user ends (the client logs in again). */
  async changePassword(actor: ActorContext, principal: UserPrincipal, current: string, next: string): Promise<void> {
    const user = await this.users.findWithHash(principal.id);
    if (!user || !(await this.passwords.verify(user.passwordHash, current))) {
      await this.audit.record(actor, { action: 'auth.change_password', outcome: 'failure', targetType: 'user', targetId: principal.id });
      throw DomainError.validation([{ field: 'current_password', reason: 'is not the current password' }], 'Current password is wrong');
    }
    assertPasswordAllowed('new_password', next, user);
    const passwordHash = await this.passwords.hash(next);
    await this.users.manager.transaction(async (m) => {
      await this.users.update(m, user.id, { passwordHash, passwordChangedAt: new Date() });
      await this.users.endAllSessions(m, user.id, 'password_change');
      await this.audit.record(actor, { action: 'auth.change_password', targetType: 'user', targetId: user.id }, m);
    });
    await this.usersService.changed(user.id, 'password_changed', 'password_change');
  }

  private async issue(
    m: EntityManager,
    user: UserEntity,
    family: { familyId: string; parentId: string | null; familyExpiresAt: Date | null },
    client: ClientInfo,
  ): Promise<TokenResponseDto> {
    const refreshTtl = this.config.get('auth.refreshTtlSeconds', { infer: true });
    const familyExpiresAt = family.familyExpiresAt ?? new Date(Date.now() + refreshTtl * 1000);
    const { token, hash } = this.tokens.newRefreshToken();
    await this.refreshTokens.insert(m, {
      userId: user.id,
      familyId: family.familyId,
      parentId: family.parentId,
      tokenHash: hash,
      expiresAt: familyExpiresAt,
      familyExpiresAt,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    const accessToken = this.tokens.signAccess({ sub: user.id, sid: family.familyId, ver: user.tokenVersion, role: user.role });
    return {
      access_token: accessToken,
      refresh_token: token,
      token_type: 'bearer',
      expires_in: this.tokens.accessTtlSeconds,
      user: toUserDto(user),
    };
  }
}
