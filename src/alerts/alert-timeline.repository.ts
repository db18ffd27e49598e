import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ActorContext, actorTypeOf } from '../common/auth/principal';
import { AlertEventEntity } from './alert-event.entity';
import { AlertStatus } from './alert.entity';

export type TimelineKind = 'status_change' | 'assignment' | 'note';

/** Timeline entries of one change applied to one or many alerts: shared fields once, per-alert ones per entry. */
export interface TimelineBatch {
  kind: TimelineKind;
  actor: ActorContext;
  body?: string | null;
  toStatus?: AlertStatus | null;
  entries: { alertId: string; fromStatus?: AlertStatus | null; data?: Record<string, unknown> }[];
}

export const TIMELINE_LIMIT = 200;

@Injectable()
export class AlertTimelineRepository {
  constructor(@InjectRepository(AlertEventEntity) private readonly repo: Repository<AlertEventEntity>) {}

  /** The newest entries of an alert's timeline, newest first. */
  recent(alertId: string, limit = TIMELINE_LIMIT): Promise<AlertEventEntity[]> {
    return this.repo.find({ where: { alertId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }

  /** Appends one entry per alert in a single statement (arrays, not one bind parameter per value). */
  async append(m: EntityManager, batch: TimelineBatch): Promise<void> {
    if (batch.entries.length === 0) return;
    const p = batch.actor.principal;
    await m.query(
      `INSERT INTO alert_events (alert_id, actor_type, actor_id, kind, body, from_status, to_status, data)
       SELECT u.alert_id, $2::actor_type, $3::uuid, $4, $5, u.from_status, $6::alert_status, u.data
         FROM unnest($1::bigint[], $7::alert_status[], $8::jsonb[]) AS u(alert_id, from_status, data)`,
      [
        batch.entries.map((e) => e.alertId),
        actorTypeOf(p),
        p?.id ?? null,
        batch.kind,
        batch.body ?? null,
        batch.toStatus ?? null,
        batch.entries.map((e) => e.fromStatus ?? null),
        batch.entries.map((e) => JSON.stringify(e.data ?? {})),
      ],
    );
  }

  /** Adds a note and returns it. */
  addNote(m: EntityManager, alertId: string, actor: ActorContext, body: string): Promise<AlertEventEntity> {
    const repo = m.getRepository(AlertEventEntity);
    const p = actor.principal;
    return repo.save(repo.create({ alertId, kind: 'note', body, actorType: actorTypeOf(p), actorId: p?.id ?? null, data: {} }));
  }
}
