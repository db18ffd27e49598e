import { AlertEvents } from '../alerts/alert.events';

/**
 * Events a webhook may subscribe to. Alert events come from `alert.events.ts`; the network and model events are
 * subscribed by name (EventEmitter2), whatever module emits them.
 */
export const WEBHOOK_EVENTS = [
  AlertEvents.RAISED,
  AlertEvents.UPDATED,
  AlertEvents.RESOLVED,
  'network.ip_blocked',
  'network.port_blocked',
  'network.block_expired',
  'network.block_revoked',
  'model.activated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The event of a test delivery (POST /webhooks/{id}/test); not subscribable. */
export const PING_EVENT = 'ping';

const ALERT_EVENT_NAMES: ReadonlySet<string> = new Set(Object.values(AlertEvents));

/** Alert events are the ones `min_risk_level` filters. */
export function isAlertEvent(event: string): boolean {
  return ALERT_EVENT_NAMES.has(event);
}

/** The risk level an alert event's payload carries (`{ alert: AlertDto, … }`), if any. */
export function riskLevelOf(payload: unknown): string | null {
  const alert = (payload as { alert?: { risk_level?: unknown } } | null)?.alert;
  return typeof alert?.risk_level === 'string' ? alert.risk_level : null;
}

/** The payload as JSON will carry it (bigints as strings); null when it cannot be serialised. */
export function toJsonValue(payload: unknown): unknown {
  try {
    const text = JSON.stringify(payload ?? null, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
