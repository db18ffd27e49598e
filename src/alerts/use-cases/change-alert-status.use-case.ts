import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AlertEntity } from '../alert.entity';
import { alertAuditView } from '../alert-audit';
import { alertNotFound, invalidTransition } from '../alert.errors';
import { AlertEventPublisher } from '../alert-event.publisher';
import { checkTransition } from '../alert-workflow';
import { AlertsRepository } from '../alerts.repository';
import { ChangeAlertStatusDto } from '../dto/alert-change.dto';
import { StatusChangeApplier } from './status-change.applier';

/**
 * Moves one alert through the workflow. Asking for the status it already has changes nothing (200, no timeline
 * entry, no audit record, no event); an illegal transition is a 409 INVALID_TRANSITION.
 */
@Injectable()
export class ChangeAlertStatusUseCase {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly applier: StatusChangeApplier,
    private readonly audit: AuditService,
    private readonly publisher: AlertEventPublisher,
  ) {}

  async execute(actor: ActorContext, id: string, dto: ChangeAlertStatusDto): Promise<AlertEntity> {
    const change = await this.applier.prepare(dto);
    const { alert, changed } = await this.alerts.manager.transaction(async (m) => {
      const before = await this.alerts.lockById(m, id);
      if (!before) throw alertNotFound(id);
      const check = checkTransition(before.status, change.status);
      if (check === 'unchanged') return { alert: before, changed: false };
      if (check === 'illegal') throw invalidTransition(before.status, change.status);
      await this.applier.apply(m, actor, [before], change);
      const after = (await this.alerts.findById(id, m)) as AlertEntity;
      await this.audit.record(
        actor,
        { action: 'alert.status_change', targetType: 'alert', targetId: id, before: alertAuditView(before), after: alertAuditView(after) },
        m,
      );
      return { alert: after, changed: true };
    });
    if (changed) this.publisher.changed([alert], 'status', actor);
    return alert;
  }
}
