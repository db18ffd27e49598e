import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ActorContext } from '../common/auth/principal';
import { AlertEntity } from './alert.entity';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from './alert.events';
import { isClosed } from './alert-workflow';
import { toAlertDto } from './dto/alert.dto';

export type AlertChange = 'status' | 'assignee' | 'note';

/**
 * Emits the alerts module's domain events. Call it only after the transaction committed: listeners (realtime
 * gateway, webhooks) must never see a change that was rolled back. A failing listener is logged, not thrown:
 * the change is already committed.
 */
@Injectable()
export class AlertEventPublisher {
  private readonly logger = new Logger(AlertEventPublisher.name);

  constructor(private readonly events: EventEmitter2) {}

  /** `alert.updated` for each alert, and `alert.resolved` (same payload) for each a status change closed. */
  changed(alerts: AlertEntity[], change: AlertChange, actor: ActorContext): void {
    const actorId = actor.principal?.id ?? null;
    for (const alert of alerts) {
      const payload: AlertUpdatedEvent = { alert: toAlertDto(alert), change, actor_id: actorId };
      this.emit(AlertEvents.UPDATED, payload);
      if (change === 'status' && isClosed(alert.status)) this.emit(AlertEvents.RESOLVED, payload);
    }
  }

  /**
   * `alert.raised` for each alert in `raised`, `alert.updated` (deduplicated) for the other rows a batch folded into.
   */
  ingested(outcome: { raised: readonly string[]; rows: readonly AlertEntity[] }): void {
    const fresh = new Set(outcome.raised);
    try {
      for (const alert of outcome.rows) {
        if (fresh.has(alert.id)) this.emit(AlertEvents.RAISED, { alert: toAlertDto(alert) } satisfies AlertRaisedEvent);
        else this.emit(AlertEvents.UPDATED, { alert: toAlertDto(alert), change: 'deduplicated', actor_id: null });
      }
    } catch (error) {
      this.logger.warn(`alert events not published: ${(error as Error).message}`);
    }
  }

  private emit(name: string, payload: AlertUpdatedEvent | AlertRaisedEvent): void {
    try {
      this.events.emit(name, payload);
    } catch (error) {
      this.logger.error({ err: error, event: name, alertId: payload.alert.id }, 'An alert event listener failed');
    }
  }
}
