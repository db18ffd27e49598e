import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AlertEventEntity } from '../alert-event.entity';
import { AlertEntity } from '../alert.entity';
import { alertNotFound } from '../alert.errors';
import { AlertEventPublisher } from '../alert-event.publisher';
import { AlertTimelineRepository } from '../alert-timeline.repository';
import { AlertsRepository } from '../alerts.repository';

/** Adds a note to an alert's timeline; the alert's updated_at moves with it. */
@Injectable()
export class AddAlertNoteUseCase {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly timeline: AlertTimelineRepository,
    private readonly audit: AuditService,
    private readonly publisher: AlertEventPublisher,
  ) {}

  async execute(actor: ActorContext, id: string, body: string): Promise<AlertEventEntity> {
    const { note, alert } = await this.alerts.manager.transaction(async (m) => {
      if (!(await this.alerts.lockById(m, id))) throw alertNotFound(id);
      const note = await this.timeline.addNote(m, id, actor, body);
      await this.alerts.touch(m, id);
      await this.audit.record(
        actor,
        { action: 'alert.note', targetType: 'alert', targetId: id, before: null, after: { note_id: note.id, body } },
        m,
      );
      return { note, alert: (await this.alerts.findById(id, m)) as AlertEntity };
    });
    this.publisher.changed([alert], 'note', actor);
    return note;
  }
}
