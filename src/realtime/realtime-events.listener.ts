import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../alerts/alert.events';
import { MODEL_DRIFT_EVENT, ModelDriftPayload } from '../inference/drift/model-drift.events';
import { ModelActivatedEvent, ModelEvents } from '../inference/model.events';
import { NetworkEventName, NetworkEvents } from '../network/network.events';
import { UserChangedEvent, UserEvents } from '../users/user.events';
import { AlertFoldBatcher } from './alert-fold.batcher';
import { AlertStormBatcher } from './alert-storm.batcher';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { ServerEventName, TrainingProgressPayload } from './realtime.events';

/** Network domain events and the realtime event each becomes. */
const NETWORK_EVENTS: Record<NetworkEventName, ServerEventName> = {
  [NetworkEvents.IP_BLOCKED]: 'ip_blocked',
  [NetworkEvents.PORT_BLOCKED]: 'port_blocked',
  [NetworkEvents.BLOCK_EXPIRED]: 'block_expired',
  [NetworkEvents.BLOCK_REVOKED]: 'block_revoked',
  [NetworkEvents.BLOCK_FAILED]: 'block_failed',
};

/** Turns committed domain events (typed names of their modules) into realtime events. */
@Injectable()
export class RealtimeEventsListener {
  constructor(
    private readonly broadcaster: RealtimeBroadcaster,
    private readonly storm: AlertStormBatcher,
    private readonly folds: AlertFoldBatcher,
    events: EventEmitter2,
  ) {
    for (const [domain, event] of Object.entries(NETWORK_EVENTS)) {
      events.on(domain, (p: { action?: Record<string, unknown>; alert_id?: string | null }) => {
        const action = p.action ?? (p as Record<string, unknown>);
        return this.broadcaster.publish(event, { action, alert_id: p.alert_id ?? null });
      });
    }
  }

  @OnEvent(AlertEvents.RAISED)
  onRaised(e: AlertRaisedEvent): void {
    this.storm.raised(e.alert);
  }

  @OnEvent(AlertEvents.UPDATED)
  onUpdated(e: AlertUpdatedEvent): void {
    if (e.change === 'deduplicated') {
      this.folds.folded(e.alert);
      return;
    }
    this.folds.forget(e.alert.id);
    void this.broadcaster.publish('alert_updated', { alert: e.alert, change: e.change });
  }

  @OnEvent(AlertEvents.RESOLVED)
  onResolved(e: AlertRaisedEvent): void {
    this.folds.forget(e.alert.id);
    void this.broadcaster.publish('alert_resolved', { alert: e.alert });
  }

  @OnEvent(ModelEvents.TRAINING_PROGRESS)
  onTrainingProgress(e: TrainingProgressPayload): void {
    void this.broadcaster.publish('model_training_progress', e);
  }

  @OnEvent(ModelEvents.ACTIVATED)
  onModelActivated(e: ModelActivatedEvent): void {
    void this.broadcaster.publish('model_activated', { version: e.version });
  }

  @OnEvent(MODEL_DRIFT_EVENT)
  onModelDrift(e: ModelDriftPayload): void {
    void this.broadcaster.publish('model_drift', e);
  }

  /** Users created, changed, deleted or given a new password (manage_users). */
  @OnEvent(UserEvents.CHANGED)
  onUserChanged(e: UserChangedEvent): void {
    void this.broadcaster.publish('user_changed', { user_id: e.user_id, change: e.change });
  }
}
