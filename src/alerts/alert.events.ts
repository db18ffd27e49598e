import { AlertDto } from './dto/alert.dto';

/** Domain events of the alerts module (EventEmitter2 names), emitted after the change is committed. */
export const AlertEvents = {
  /** A new alert was raised by a verdict (model, external service or Suricata). */
  RAISED: 'alert.raised',
  /** An alert changed: de-duplicated verdict folded in, status, assignee, note, feedback. */
  UPDATED: 'alert.updated',
  /** An alert reached resolved or false_positive. */
  RESOLVED: 'alert.resolved',
} as const;

export interface AlertRaisedEvent {
  alert: AlertDto;
}

export interface AlertUpdatedEvent {
  alert: AlertDto;
  /** What changed: 'deduplicated', 'status', 'assignee', 'note', 'feedback', 'action'. */
  change: string;
  actor_id: string | null;
}
