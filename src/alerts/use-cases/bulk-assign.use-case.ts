import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AlertEntity } from '../alert.entity';
import { AlertEventPublisher } from '../alert-event.publisher';
import { AlertTimelineRepository } from '../alert-timeline.repository';
import { AlertsRepository } from '../alerts.repository';
import { BulkAssignDto, BulkResultDto } from '../dto/alert-bulk.dto';
import { AssigneeValidator } from './assignee.validator';
import { BulkTargets, toBulkSelection } from './bulk-targets';

/**
 * Assigns (or unassigns) many alerts in one transaction. Alerts that already have this assignee are reported as
 * unchanged, unknown ids as failed. One summarising audit record (`alert.bulk_assign`) with the changed ids and
 * each one's previous assignee; one timeline entry per changed alert.
 */
@Injectable()
export class BulkAssignUseCase {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly targets: BulkTargets,
    private readonly timeline: AlertTimelineRepository,
    private readonly assignees: AssigneeValidator,
    private readonly audit: AuditService,
    private readonly publisher: AlertEventPublisher,
  ) {}

  async execute(actor: ActorContext, dto: BulkAssignDto): Promise<BulkResultDto> {
    const selection = toBulkSelection(dto, actor);
    const to = await this.assignees.resolve(dto.assignee_id, actor);
    const { result, updated } = await this.alerts.manager.transaction(async (m) => {
      const locked = await this.targets.lock(m, selection);
      const changing = locked.alerts.filter((a) => a.assigneeId !== to);
      if (changing.length) await this.apply(m, actor, changing, to, selection.kind);
      const updated = await this.alerts.findByIds(m, changing.map((a) => a.id));
      const result: BulkResultDto = {
        matched: locked.matched,
        updated: updated.map((a) => a.id),
        unchanged: locked.alerts.filter((a) => a.assigneeId === to).map((a) => a.id),
        failed: locked.failed,
        truncated: locked.truncated,
      };
      return { result, updated };
    });
    this.publisher.changed(updated, 'assignee', actor);
    return result;
  }

  private async apply(m: EntityManager, actor: ActorContext, alerts: AlertEntity[], to: string | null, by: string): Promise<void> {
    const ids = alerts.map((a) => a.id);
    await this.alerts.setAssignee(m, ids, to);
    await this.timeline.append(m, {
      kind: 'assignment',
      actor,
      entries: alerts.map((a) => ({ alertId: a.id, data: { from: a.assigneeId, to } })),
    });
    await this.audit.record(
      actor,
      {
        action: 'alert.bulk_assign',
        targetType: 'alert',
        before: { assignee_id: Object.fromEntries(alerts.map((a) => [a.id, a.assigneeId])) },
        after: { assignee_id: to },
        details: { ids, count: ids.length, selected_by: by },
      },
      m,
    );
  }
}
