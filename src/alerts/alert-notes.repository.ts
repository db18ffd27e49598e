import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AlertEventEntity } from './alert-event.entity';
import { AlertEntity } from './alert.entity';

export const AUTO_RESPONSE_KIND = 'auto_response';

/** What the network module reads and writes of alerts: whether one exists, and its `auto_response` timeline entries. */
@Injectable()
export class AlertNotesRepository {
  constructor(
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
  ) {}

  get manager(): EntityManager {
    return this.events.manager;
  }

  alertExists(alertId: string): Promise<boolean> {
    return this.alerts.exists({ where: { id: alertId } });
  }

  /** The alert already has an automatic response (or a dry run, or a refusal) on its timeline. */
  hasAutoResponse(alertId: string): Promise<boolean> {
    return this.events.exists({ where: { alertId, kind: AUTO_RESPONSE_KIND } });
  }

  /** Appends an `auto_response` entry by the system, in `m`'s transaction. */
  async addAutoResponse(m: EntityManager, alertId: string, body: string, data: Record<string, unknown>): Promise<void> {
    const repo = m.getRepository(AlertEventEntity);
    await repo.save(repo.create({ alertId, actorType: 'system', actorId: null, kind: AUTO_RESPONSE_KIND, body, data }));
  }
}
