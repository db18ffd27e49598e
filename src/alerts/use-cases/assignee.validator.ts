import { Injectable } from '@nestjs/common';
import { ActorContext } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { UsersRepository } from '../../users/users.repository';

/** An alert can be assigned to an active, not deleted user (or to nobody). */
@Injectable()
export class AssigneeValidator {
  constructor(private readonly users: UsersRepository) {}

  /** The assignee's id (`me` is the signed-in caller), checked to be an active user; null unassigns. */
  async resolve(assigneeId: string | null, actor: ActorContext): Promise<string | null> {
    if (assigneeId === null) return null;
    if (assigneeId === 'me') {
      if (actor.principal?.kind !== 'user') {
        throw DomainError.validation([{ field: 'assignee_id', reason: '`me` needs a signed-in user' }]);
      }
      assigneeId = actor.principal.id;
    }
    const user = await this.users.findById(assigneeId);
    if (!user || !user.isActive || user.deletedAt) {
      throw DomainError.validation([{ field: 'assignee_id', reason: 'must be an active user' }]);
    }
    return assigneeId;
  }
}
