import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PasswordService } from './password.service';
import { ActorContext } from '../common/auth/principal';
import { DomainError, ErrorCode } from '../core/domain-error';
import { PasswordContext, passwordProblem } from '../core/password-policy';
import { Role } from '../core/permissions';
import { auditView } from './dto/user.dto';
import { CreateUserDto, UpdateUserDto } from './dto/user-input.dto';
import { UserChange, UserChangedEvent, UserEvents } from './user.events';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

/** The unique indexes of `users` and the field each one concerns. */
const UNIQUE_FIELDS: Record<string, string> = { uq_users_email: 'email', uq_users_username: 'username' };

const inUse = (field: string) =>
  new DomainError(ErrorCode.CONFLICT, `A user with this ${field} exists`, { details: [{ field, reason: 'already in use' }] });

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
  ) {}

  async create(actor: ActorContext, dto: CreateUserDto): Promise<UserEntity> {
    assertPasswordAllowed('password', dto.password, dto);
    if (await this.users.emailTaken(dto.email)) throw inUse('email');
    if (dto.username !== undefined && (await this.users.usernameTaken(dto.username))) throw inUse('username');
    const passwordHash = await this.passwords.hash(dto.password);
    const user = await this.insert(actor, dto, passwordHash).catch((e: unknown) => {
      // the same email or username created meanwhile by a concurrent request
      const constraint = (e as { driverError?: { code?: string; constraint?: string } }).driverError;
      const field = constraint?.code === '23505' ? UNIQUE_FIELDS[constraint.constraint ?? ''] : undefined;
      throw field ? inUse(field) : e;
    });
    await this.changed(user.id, 'created', null);
    return user;
  }

  private insert(actor: ActorContext, dto: CreateUserDto, passwordHash: string): Promise<UserEntity> {
    return this.users.manager.transaction(async (m) => {
      const user = await this.users.create(m, {
        email: dto.email.trim(),
        username: dto.username ?? null,
        name: dto.name ?? '',
        role: dto.role,
        passwordHash,
        passwordChangedAt: new Date(),
      });
      await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: user.id, after: auditView(user) }, m);
      return user;
    });
  }

  list(page: number, limit: number): Promise<[UserEntity[], number]> {
    return this.users.list((page - 1) * limit, limit);
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User', id);
    return user;
  }

  /** Role, active flag and name. A role change or deactivation ends the user's sessions. */
  async update(actor: ActorContext, id: string, dto: UpdateUserDto): Promise<UserEntity> {
    let ended: string | null = null;
    const user = await this.users.manager.transaction(async (m) => {
      const before = await this.lockedUser(m, id);
      const demotes = dto.role !== undefined && dto.role !== Role.ADMIN;
      const deactivates = dto.is_active === false;
      if (before.role === Role.ADMIN && before.isActive && (demotes || deactivates)) {
        await this.assertNotLastAdmin(m, id);
      }
      const changes: Partial<UserEntity> = {};
      if (dto.role !== undefined) changes.role = dto.role;
      if (dto.is_active !== undefined) changes.isActive = dto.is_active;
      if (dto.name !== undefined) changes.name = dto.name;
      await this.users.update(m, id, changes);
      const roleChanged = dto.role !== undefined && dto.role !== before.role;
      if (roleChanged || (deactivates && before.isActive)) {
        ended = roleChanged ? 'role_change' : 'deactivated';
        await this.users.endAllSessions(m, id, ended);
      }
      const after = { ...before, ...changes } as UserEntity;
      await this.audit.record(actor, { action: 'user.update', targetType: 'user', targetId: id, before: auditView(before), after: auditView(after) }, m);
      return (await m.getRepository(UserEntity).findOneOrFail({ where: { id } }));
    });
    await this.changed(id, 'updated', ended);
    return user;
  }

  async remove(actor: ActorContext, id: string): Promise<void> {
    await this.users.manager.transaction(async (m) => {
      const before = await this.lockedUser(m, id);
      if (before.role === Role.ADMIN && before.isActive) await this.assertNotLastAdmin(m, id);
      await this.users.softDelete(m, id);
      await this.users.endAllSessions(m, id, 'deleted');
      await this.audit.record(actor, { action: 'user.delete', targetType: 'user', targetId: id, before: auditView(before) }, m);
    });
    await this.changed(id, 'deleted', 'deleted');
  }

  async resetPassword(actor: ActorContext, id: string, password: string): Promise<void> {
    const user = await this.get(id);
    assertPasswordAllowed('password', password, user);
    const passwordHash = await this.passwords.hash(password);
    await this.users.manager.transaction(async (m) => {
      await this.users.update(m, id, { passwordHash, passwordChangedAt: new Date() });
      await this.users.endAllSessions(m, id, 'password_reset');
      await this.audit.record(actor, { action: 'user.reset_password', targetType: 'user', targetId: id }, m);
    });
    await this.changed(id, 'password_reset', 'password_reset');
  }

  /**
   * Announces a committed change; awaited so that the sessions it ended are closed everywhere (sockets included)
   * before the caller gets its answer.
   */
  async changed(userId: string, change: UserChange, sessionsEnded: string | null): Promise<void> {
    const event: UserChangedEvent = { user_id: userId, change, sessions_ended: sessionsEnded };
    await this.events.emitAsync(UserEvents.CHANGED, event);
  }

  /** Creates an admin (start-up from ADMIN_EMAIL / ADMIN_PASSWORD, or the CLI) unless the email is taken. */
  async createAdmin(actor: ActorContext, email: string, password: string, name = 'Administrator'): Promise<UserEntity> {
    return this.create(actor, { email, password, role: Role.ADMIN, name });
  }

  adminExists(): Promise<boolean> {
    return this.users.adminExists();
  }

  private async lockedUser(m: EntityManager, id: string): Promise<UserEntity> {
    const user = await m.getRepository(UserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw DomainError.notFound('User', id);
    return user;
  }

  private async assertNotLastAdmin(m: EntityManager, id: string): Promise<void> {
    if ((await this.users.countOtherActiveAdminsForUpdate(m, id)) === 0) {
      throw new DomainError(ErrorCode.CONFLICT, 'The last active admin cannot be demoted, deactivated or deleted');
    }
  }
}

/** Throws a 400 naming `field` when the password breaks the policy (common password, context word, length). */
export function assertPasswordAllowed(field: string, password: string, ctx: PasswordContext): void {
  const reason = passwordProblem(password, ctx);
  if (reason) throw DomainError.validation([{ field, reason }], `Password refused: ${field} ${reason}`);
}
