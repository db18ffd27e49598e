import type { AlertDigest } from '../alert-digest.store';
import type { AttackMapper, AttackSubject } from './attack-mapping';

/** One delivery as the queue holds it: event, JSON payload and delivery id (ECS `event.id`, OCSF `metadata.uid`). */
export interface SiemEnvelope {
  deliveryId: string;
  event: string;
  occurredAt: string;
  data: unknown;
}

/** What every mapping needs besides the delivery: the ATT&CK classification and this instance (the observer). */
export interface SiemContext {
  attack: AttackMapper;
  observer: { hostname: string; version: string };
}

/** The document formats a SIEM destination can receive: Elastic Common Schema or OCSF (docs/siem.md). */
export type SiemFormat = 'ecs' | 'ocsf';

/** The alert fields the mappings read (AlertDto as the events carry it; absent fields are left out). */
export interface AlertLike {
  id?: string;
  attack_type?: string;
  source?: string;
  risk_level?: string;
  status?: string;
  confidence?: number;
  src_ip?: string | null;
  dst_ip?: string | null;
  src_port?: number | null;
  dst_port?: number | null;
  protocol?: number | null;
  event_count?: number;
  first_seen?: string;
  last_seen?: string;
  created_at?: string;
  model_version?: string | null;
  resolution_reason?: string | null;
  details?: Record<string, unknown>;
  attack?: AttackSubject['attack'];
}

/** The block fields the mappings read (NetworkActionDto). */
export interface BlockLike {
  id?: string;
  type?: string;
  target?: string;
  family?: number | null;
  port?: number | null;
  protocol?: string | null;
  status?: string;
  reason?: string;
  duration_seconds?: number | null;
  expires_at?: string | null;
  is_automatic?: boolean;
  applied_at?: string | null;
  ended_at?: string | null;
}

/** The payload shapes of the forwarded events: `alert.*` carry an alert, `network.*` an action and its alert. */
export type SiemPayload = { alert?: AlertLike; action?: BlockLike; alert_id?: string | null };

/** Risk scores of the risk levels, Elastic's detection-rule convention (21 / 47 / 73 / 99). */
export const RISK_SCORES: Record<string, number> = { low: 21, medium: 47, high: 73, critical: 99 };

export const TRANSPORTS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };

/** What a block event did: took effect, was lifted (expired, revoked), or could not be applied. */
export const BLOCK_VERBS: Record<string, string> = {
  'network.ip_blocked': 'blocked',
  'network.port_blocked': 'blocked',
  'network.block_expired': 'unblocked (expired)',
  'network.block_revoked': 'unblocked (revoked)',
  'network.block_failed': 'could not be blocked',
};

/** Drops undefined and null values and empty objects, so unknown fields are absent rather than null. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const c = compact(v);
    if (c === undefined || c === null) continue;
    if (typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
    out[key] = c;
  }
  return out as T;
}

export const isIp = (value: string | null | undefined): value is string => !!value && /^[0-9a-f.:]+$/i.test(value);

/** An alert's one-line summary: `PortScan from 198.18.0.1 to 198.19.0.20:22, risk high`. */
export function alertMessage(a: AlertLike, action: string): string {
  const to = a.dst_ip ? ` to ${a.dst_ip}${a.dst_port != null ? `:${a.dst_port}` : ''}` : '';
  const from = a.src_ip ? ` from ${a.src_ip}` : '';
  const verb = action === 'raised' ? '' : ` (${action}, status ${a.status ?? 'unknown'})`;
  return `${a.attack_type ?? 'Alert'}${from}${to}${verb}, risk ${a.risk_level ?? 'unknown'}`;
}

/** A block's one-line summary: `IDS-AI address 198.18.0.1 blocked for 600 s: auto-response to PortScan`. */
export function blockMessage(event: string, block: BlockLike): string {
  const verb = BLOCK_VERBS[event] ?? '';
  const isPort = block.type === 'block_port';
  const kind = block.target?.includes('/') ? 'network' : 'address';
  const target = isPort ? `port ${block.port}/${block.protocol}` : `${kind} ${block.target}`;
  const duration = block.duration_seconds == null ? ' until unblocked' : ` for ${block.duration_seconds} s`;
  const lasting = verb === 'blocked' ? duration : '';
  return `IDS-AI ${target} ${verb}${lasting}${block.reason ? `: ${block.reason}` : ''}`;
}

/** One format's mapping of each kind of delivery (ECS documents, OCSF events). */
export interface SiemMapping<D> {
  alert(envelope: SiemEnvelope, alert: AlertLike): D;
  block(envelope: SiemEnvelope, block: BlockLike, alertId: string | null): D;
  /** `embedded`: the digest's first alerts, carried inside it (webhooks). */
  digest(envelope: SiemEnvelope, digest: AlertDigest, embedded?: D[]): D;
  /** An alert sent after its digest's summary (syslog), marked with the digest's delivery id. */
  digestAlert(alert: D, digestId: string): D;
  other(envelope: SiemEnvelope): D;
}

/**
 * The documents of one delivery: one, except for a digest sent over syslog (`embedDigestAlerts` false), which is
 * its summary followed by its first alerts, each a document of its own (syslog receivers cap a message's size,
 * 8 KiB by default in rsyslog).
 */
export function mapDelivery<D>(envelope: SiemEnvelope, mapping: SiemMapping<D>, embedDigestAlerts: boolean): D[] {
  const data = (envelope.data ?? {}) as SiemPayload;
  if (envelope.event === 'alert.raised.digest') {
    const digest = envelope.data as AlertDigest;
    const alerts = digest.alerts.map((a, i) => {
      const single = { ...envelope, deliveryId: `${envelope.deliveryId}:${i + 1}`, event: 'alert.raised', data: a };
      return mapping.alert(single, (a as SiemPayload).alert ?? {});
    });
    if (embedDigestAlerts) return [mapping.digest(envelope, digest, alerts)];
    return [mapping.digest(envelope, digest), ...alerts.map((a) => mapping.digestAlert(a, envelope.deliveryId))];
  }
  if (envelope.event.startsWith('alert.') && data.alert) return [mapping.alert(envelope, data.alert)];
  if (envelope.event.startsWith('network.') && data.action) {
    return [mapping.block(envelope, data.action, data.alert_id ?? null)];
  }
  return [mapping.other(envelope)];
}
