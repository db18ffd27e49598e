import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Role } from '../core/permissions';
import { UserEntity } from './user.entity';
import { RefreshTokenRevocation } from '../common/auth/refresh-token-revocation';

export interface UserAuthState {
  user: UserEntity;
  /** The login session (refresh family) exists for this user, is not revoked and has not expired. */
  sessionLive: boolean;
}

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly refreshTokens: RefreshTokenRevocation,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** By email or username, case-insensitively, with the password hash (for login only). */
  findForLogin(login: string): Promise<UserEntity | null> {
    return this.repo
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:login) OR lower(u.username) = lower(:login)', { login })
      .getOne();
  }

  findWithHash(id: string): Promise<UserEntity | null> {
    return this.repo.createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id }).getOne();
  }

  /** The user behind an access token and whether the token's session is live, in one round trip. */
  async findAuthState(userId: string, sessionId: string): Promise<UserAuthState | null> {
    const { entities, raw } = await this.repo
      .createQueryBuilder('u')
      .addSelect(
        `EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = :sid AND r.user_id = u.id
            AND r.revoked_at IS NULL AND r.family_expires_at > now())
         AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = :sid AND r.revoked_at IS NOT NULL)`,
        'session_live',
      )
      .where('u.id = :id', { id: userId, sid: sessionId })
      .getRawAndEntities();
    if (!entities[0]) return null;
    return { user: entities[0], sessionLive: raw[0]?.session_live === true };
  }

  usernameTaken(username: string): Promise<boolean> {
    return this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getExists();
  }

  emailTaken(email: string, exceptId?: string): Promise<boolean> {
    const qb = this.repo.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email });
    if (exceptId) qb.andWhere('u.id <> :exceptId', { exceptId });
    return qb.getExists();
  }

  async list(offset: number, limit: number): Promise<[UserEntity[], number]> {
    return this.repo.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  adminExists(): Promise<boolean> {
    return this.repo.exists({ where: { role: Role.ADMIN, isActive: true } });
  }

  /** Locks the active admins (in `manager`'s transaction) and counts those other than `exceptId`. */
  async countOtherActiveAdminsForUpdate(manager: EntityManager, exceptId: string): Promise<number> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM users WHERE role = 'admin' AND is_active AND deleted_at IS NULL FOR UPDATE`,
    );
    return rows.filter((r) => r.id !== exceptId).length;
  }

  create(manager: EntityManager, values: Partial<UserEntity>): Promise<UserEntity> {
    return manager.getRepository(UserEntity).save(manager.getRepository(UserEntity).create(values));
  }

  async update(manager: EntityManager, id: string, values: Partial<UserEntity>): Promise<void> {
    await manager.getRepository(UserEntity).update({ id }, values);
  }

  async recordLogin(id: string): Promise<void> {
    await this.repo.update({ id }, { lastLoginAt: new Date() });
  }

  async softDelete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(UserEntity).update({ id }, { isActive: false, deletedAt: new Date() });
  }

  /** Ends every session of the user: access tokens (token version) and refresh tokens (revoked). */
  async endAllSessions(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [id]);
    await this.refreshTokens.revokeAllOfUser(manager, id, reason);
  }

  get manager(): EntityManager {
    return this.repo.manager;
  }
}
