import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/domain-error';
import { UsersRepository } from '../../users/users.repository';

/** An alert can be assigned to an active, not deleted user (or to nobody). */
@Injectable()
export class AssigneeValidator {
  constructor(private readonly users: UsersRepository) {}

  async check(assigneeId: string | null): Promise<void> {
    if (assigneeId === null) return;
    const user = await this.users.findById(assigneeId);
    if (!user || !user.isActive || user.deletedAt) {
      throw DomainError.validation([{ field: 'assignee_id', reason: 'must be an active user' }]);
    }
  }
}
