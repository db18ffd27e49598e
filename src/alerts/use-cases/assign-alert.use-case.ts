import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AlertEntity } from '../alert.entity';
import { alertAuditView } from '../alert-audit';
import { alertNotFound } from '../alert.errors';
import { AlertEventPublisher } from '../alert-event.publisher';
import { AlertTimelineRepository } from '../alert-timeline.repository';
import { AlertsRepository } from '../alerts.repository';
import { AssigneeValidator } from './assignee.validator';

/** Assigns one alert to an active user, or unassigns it (null). The same assignee again changes nothing. */
@Injectable()
export class AssignAlertUseCase {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly timeline: AlertTimelineRepository,
    private readonly assignees: AssigneeValidator,
    private readonly audit: AuditService,
    private readonly publisher: AlertEventPublisher,
  ) {}

  async execute(actor: ActorContext, id: string, requested: string | null): Promise<AlertEntity> {
    const assigneeId = await this.assignees.resolve(requested, actor);
    const { alert, changed } = await this.alerts.manager.transaction(async (m) => {
      const before = await this.alerts.lockById(m, id);
      if (!before) throw alertNotFound(id);
      if (before.assigneeId === assigneeId) return { alert: before, changed: false };
      await this.alerts.setAssignee(m, [id], assigneeId);
      await this.timeline.append(m, {
        kind: 'assignment',
        actor,
        entries: [{ alertId: id, data: { from: before.assigneeId, to: assigneeId } }],
      });
      const after = (await this.alerts.findById(id, m)) as AlertEntity;
      await this.audit.record(
        actor,
        { action: 'alert.assign', targetType: 'alert', targetId: id, before: alertAuditView(before), after: alertAuditView(after) },
        m,
      );
      return { alert: after, changed: true };
    });
    if (changed) this.publisher.changed([alert], 'assignee', actor);
    return alert;
  }
}
