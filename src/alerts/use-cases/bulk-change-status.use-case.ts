import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { ErrorCode } from '../../core/domain-error';
import { AlertEntity } from '../alert.entity';
import { invalidTransitionMessage } from '../alert.errors';
import { AlertEventPublisher } from '../alert-event.publisher';
import { checkTransition } from '../alert-workflow';
import { AlertsRepository } from '../alerts.repository';
import { BulkFailureDto, BulkResultDto, BulkStatusDto } from '../dto/alert-bulk.dto';
import { BulkTargets, toBulkSelection } from './bulk-targets';
import { StatusChange, StatusChangeApplier } from './status-change.applier';

/**
 * Moves many alerts through the workflow in one transaction. Each alert is judged alone: an illegal transition
 * or an unknown id is reported in `failed` and the others still change. The audit log gets one summarising
 * record (`alert.bulk_status_change`, the changed ids and each one's previous status); every alert's timeline
 * gets its own entry.
 */
@Injectable()
export class BulkChangeStatusUseCase {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly targets: BulkTargets,
    private readonly applier: StatusChangeApplier,
    private readonly audit: AuditService,
    private readonly publisher: AlertEventPublisher,
  ) {}

  async execute(actor: ActorContext, dto: BulkStatusDto): Promise<BulkResultDto> {
    const selection = toBulkSelection(dto, actor);
    const change = await this.applier.prepare(dto);
    const { result, updated } = await this.alerts.manager.transaction(async (m) => {
      const locked = await this.targets.lock(m, selection);
      const { allowed, unchanged, illegal } = judge(locked.alerts, change);
      if (allowed.length) await this.applier.apply(m, actor, allowed, change);
      const updated = await this.alerts.findByIds(m, allowed.map((a) => a.id));
      if (allowed.length) await this.record(m, actor, allowed, change, selection.kind);
      const result: BulkResultDto = {
        matched: locked.matched,
        updated: updated.map((a) => a.id),
        unchanged: unchanged.map((a) => a.id),
        failed: [...locked.failed, ...illegal],
        truncated: locked.truncated,
      };
      return { result, updated };
    });
    this.publisher.changed(updated, 'status', actor);
    return result;
  }

  private async record(m: EntityManager, actor: ActorContext, changed: AlertEntity[], change: StatusChange, by: string): Promise<void> {
    await this.audit.record(
      actor,
      {
        action: 'alert.bulk_status_change',
        targetType: 'alert',
        before: { status: Object.fromEntries(changed.map((a) => [a.id, a.status])) },
        after: { status: change.status, resolution_reason: change.reason, feedback_label: change.label },
        details: { ids: changed.map((a) => a.id), count: changed.length, selected_by: by },
      },
      m,
    );
  }
}

function judge(alerts: AlertEntity[], change: StatusChange) {
  const allowed: AlertEntity[] = [];
  const unchanged: AlertEntity[] = [];
  const illegal: BulkFailureDto[] = [];
  for (const alert of alerts) {
    const check = checkTransition(alert.status, change.status);
    if (check === 'allowed') allowed.push(alert);
    else if (check === 'unchanged') unchanged.push(alert);
    else illegal.push({ id: alert.id, error: ErrorCode.INVALID_TRANSITION, reason: invalidTransitionMessage(alert.status, change.status) });
  }
  return { allowed, unchanged, illegal };
}
