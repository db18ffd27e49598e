import type { AlertDigest } from '../alert-digest.store';
import { AttackClassification, AttackMapper, AttackRef, AttackSubject } from './attack-mapping';

/** The ECS version the documents follow (https://www.elastic.co/guide/en/ecs/current). */
export const ECS_VERSION = '8.17.0';

export type EcsDocument = Record<string, unknown>;

/** One delivery as the queue holds it: the event, its JSON payload, and the delivery id (`event.id`). */
export interface EcsEnvelope {
  deliveryId: string;
  event: string;
  occurredAt: string;
  data: unknown;
}

export interface EcsContext {
  attack: AttackMapper;
  observer: { hostname: string; version: string };
}

/** The alert fields the mapping reads (AlertDto as the events carry it; absent fields are left out). */
interface AlertLike {
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

/** The block fields the mapping reads (NetworkActionDto). */
interface BlockLike {
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

/** Elastic's detection-rule convention: risk_score 21 / 47 / 73 / 99; `event.severity` 1 (low) … 4 (critical). */
const RISK: Record<string, { score: number; severity: number }> = {
  low: { score: 21, severity: 1 },
  medium: { score: 47, severity: 2 },
  high: { score: 73, severity: 3 },
  critical: { score: 99, severity: 4 },
};

const TRANSPORTS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp', 132: 'sctp' };

const ALERT_ACTIONS: Record<string, { action: string; type: string[] }> = {
  'alert.raised': { action: 'alert-raised', type: ['info'] },
  'alert.updated': { action: 'alert-updated', type: ['info'] },
  'alert.resolved': { action: 'alert-resolved', type: ['info'] },
};

const BLOCK_ACTIONS: Record<string, { action: string; type: string[]; verb: string }> = {
  'network.ip_blocked': { action: 'ip-blocked', type: ['denied', 'start'], verb: 'blocked' },
  'network.port_blocked': { action: 'port-blocked', type: ['denied', 'start'], verb: 'blocked' },
  'network.block_expired': { action: 'block-expired', type: ['end'], verb: 'unblocked (expired)' },
  'network.block_revoked': { action: 'block-revoked', type: ['end'], verb: 'unblocked (revoked)' },
  'network.block_failed': { action: 'block-failed', type: ['denied'], verb: 'could not be blocked' },
};

export const DIGEST_ACTION = 'alert-digest';

/** Drops undefined and null values and empty objects, so unknown fields are absent rather than null. */
function compact<T>(value: T): T {
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

const isIp = (value: string | null | undefined): value is string => !!value && /^[0-9a-f.:]+$/i.test(value);

function base(envelope: EcsEnvelope, ctx: EcsContext): EcsDocument {
  return {
    ecs: { version: ECS_VERSION },
    observer: { product: 'IDS-AI', vendor: 'IDS-AI', type: 'ids', ...ctx.observer },
    event: { id: envelope.deliveryId, created: envelope.occurredAt, module: 'ids_ai' },
  };
}

const attackReference = (kind: 'tactics' | 'techniques', ref: AttackRef) =>
  ref.reference ?? `https://attack.mitre.org/${kind}/${ref.id.replace('.', '/')}/`;

/** The values of one field over several classifications: one value as is, several as an array of the distinct. */
function merged(refs: (AttackRef | undefined)[], kind: 'tactics' | 'techniques'): EcsDocument | undefined {
  const known = refs.filter((r): r is AttackRef => !!r);
  if (!known.length) return undefined;
  const unique = [...new Map(known.map((r) => [r.id, r])).values()];
  const fields = {
    id: unique.map((r) => r.id),
    name: unique.map((r) => r.name),
    reference: unique.map((r) => attackReference(kind, r)),
  };
  return unique.length === 1 ? { id: fields.id[0], name: fields.name[0], reference: fields.reference[0] } : fields;
}

/** ECS `threat.*`: one technique as plain values; several (a Suricata rule's) as arrays of the distinct values. */
function threat(classifications: AttackClassification[]): EcsDocument | undefined {
  const tactic = merged(classifications.map((c) => c.tactic), 'tactics');
  const technique = merged(classifications.map((c) => c.technique), 'techniques');
  if (!tactic && !technique) return undefined;
  const subtechnique = merged(classifications.map((c) => c.subtechnique), 'techniques');
  return { framework: 'MITRE ATT&CK', tactic, technique: technique && { ...technique, subtechnique } };
}

function endpoints(a: AlertLike): EcsDocument {
  const transport = a.protocol == null ? undefined : (TRANSPORTS[a.protocol] ?? undefined);
  return {
    source: { ip: a.src_ip, port: a.src_port, address: a.src_ip },
    destination: { ip: a.dst_ip, port: a.dst_port, address: a.dst_ip },
    network: { transport, iana_number: a.protocol == null ? undefined : String(a.protocol) },
  };
}

function alertMessage(a: AlertLike, action: string): string {
  const to = a.dst_ip ? ` to ${a.dst_ip}${a.dst_port != null ? `:${a.dst_port}` : ''}` : '';
  const from = a.src_ip ? ` from ${a.src_ip}` : '';
  const verb = action === 'alert-raised' ? '' : ` (${action.replace('alert-', '')}, status ${a.status ?? 'unknown'})`;
  return `${a.attack_type ?? 'Alert'}${from}${to}${verb}, risk ${a.risk_level ?? 'unknown'}`;
}

/** An alert (raised, updated or resolved) as an ECS `event.kind: alert` document. */
export function alertDocument(envelope: EcsEnvelope, alert: AlertLike, ctx: EcsContext): EcsDocument {
  const doc = base(envelope, ctx);
  const { action, type } = ALERT_ACTIONS[envelope.event] ?? ALERT_ACTIONS['alert.raised'];
  const risk = RISK[alert.risk_level ?? ''];
  const suricata = alert.source === 'suricata' ? (alert.details ?? {}) : {};
  const classifications = ctx.attack.classify(alert);
  return compact({
    '@timestamp': alert.created_at ?? envelope.occurredAt,
    ...doc,
    event: {
      ...(doc.event as object),
      kind: 'alert',
      category: ['intrusion_detection', 'network'],
      type,
      action,
      dataset: 'ids_ai.alert',
      provider: alert.source,
      severity: risk?.severity,
      risk_score: risk?.score,
      start: alert.first_seen,
      end: alert.last_seen,
      reason: alert.resolution_reason ?? undefined,
    },
    ...endpoints(alert),
    rule: {
      name: alert.attack_type,
      id: suricata.signature_id == null ? undefined : String(suricata.signature_id as number),
      category: suricata.category,
      ruleset: alert.source === 'suricata' ? 'suricata' : alert.source === 'model' ? 'ids-ai-model' : alert.source,
      version: alert.source === 'model' ? (alert.model_version ?? undefined) : undefined,
    },
    threat: threat(classifications),
    labels: {
      alert_id: alert.id,
      risk_level: alert.risk_level,
      status: alert.status,
      confidence: alert.confidence == null ? undefined : String(alert.confidence),
      event_count: alert.event_count == null ? undefined : String(alert.event_count),
    },
    message: alertMessage(alert, action),
  });
}

/** A block taking effect or being lifted as an ECS `event.kind: event` document (`event.category: network`). */
export function blockDocument(
  envelope: EcsEnvelope,
  block: BlockLike,
  alertId: string | null,
  ctx: EcsContext,
): EcsDocument {
  const doc = base(envelope, ctx);
  const { action, type, verb } = BLOCK_ACTIONS[envelope.event] ?? { action: envelope.event, type: ['info'], verb: '' };
  const isPort = block.type === 'block_port';
  const kind = block.target?.includes('/') ? 'network' : 'address';
  const target = isPort ? `port ${block.port}/${block.protocol}` : `${kind} ${block.target}`;
  const duration = block.duration_seconds == null ? ' until unblocked' : ` for ${block.duration_seconds} s`;
  const lasting = verb === 'blocked' ? duration : '';
  return compact({
    '@timestamp': (verb === 'blocked' ? block.applied_at : block.ended_at) ?? envelope.occurredAt,
    ...doc,
    event: {
      ...(doc.event as object),
      kind: 'event',
      category: ['network', 'intrusion_detection'],
      type,
      action,
      dataset: 'ids_ai.block',
      outcome: envelope.event === 'network.block_failed' ? 'failure' : 'success',
      reason: block.reason,
      start: block.applied_at,
      end: verb === 'blocked' ? block.expires_at : block.ended_at,
    },
    source: isPort || !isIp(block.target) ? undefined : { ip: block.target, address: block.target },
    destination: isPort ? { port: block.port } : undefined,
    network: isPort ? { transport: block.protocol } : undefined,
    labels: {
      block_id: block.id,
      block_target: block.target,
      block_type: block.type,
      alert_id: alertId ?? undefined,
      automatic: block.is_automatic == null ? undefined : String(block.is_automatic),
    },
    message: `IDS-AI ${target} ${verb}${lasting}${block.reason ? `: ${block.reason}` : ''}`,
  });
}

/** A digest: counts of a storm's alerts; `alerts` (webhooks) carries the first ones as ECS documents too. */
export function digestDocument(
  envelope: EcsEnvelope,
  digest: AlertDigest,
  ctx: EcsContext,
  alerts?: EcsDocument[],
): EcsDocument {
  const doc = base(envelope, ctx);
  const levels = Object.keys(digest.by_risk_level).filter((l) => RISK[l]);
  const top = levels.sort((a, b) => RISK[b].score - RISK[a].score)[0];
  const classes = Object.entries(digest.by_attack_type)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return compact({
    '@timestamp': envelope.occurredAt,
    ...doc,
    event: {
      ...(doc.event as object),
      kind: 'alert',
      category: ['intrusion_detection', 'network'],
      type: ['info'],
      action: DIGEST_ACTION,
      dataset: 'ids_ai.alert_digest',
      severity: top ? RISK[top].severity : undefined,
      risk_score: top ? RISK[top].score : undefined,
      start: digest.first_at,
      end: digest.last_at,
    },
    rule: { name: Object.keys(digest.by_attack_type).length === 1 ? Object.keys(digest.by_attack_type)[0] : undefined },
    labels: { digest_count: String(digest.count), digest_omitted: String(digest.omitted) },
    message:
      `IDS-AI alert storm: ${digest.count} alerts in ${digest.window_ms} ms (${classes}); ` +
      `${digest.alerts.length} sent in full`,
    ids_ai: {
      digest: {
        count: digest.count,
        window_ms: digest.window_ms,
        by_attack_type: digest.by_attack_type,
        by_risk_level: digest.by_risk_level,
        omitted: digest.omitted,
        alerts,
      },
    },
  });
}

/** Any other event (model activation, test ping): an `event.kind: event` document with the payload under ids_ai. */
function genericDocument(envelope: EcsEnvelope, ctx: EcsContext): EcsDocument {
  const doc = base(envelope, ctx);
  return compact({
    '@timestamp': envelope.occurredAt,
    ...doc,
    event: {
      ...(doc.event as object),
      kind: 'event',
      category: ['configuration'],
      type: ['info'],
      action: envelope.event.replace(/[._]/g, '-'),
    },
    message: `IDS-AI ${envelope.event}`,
    ids_ai: { data: envelope.data },
  });
}

/**
 * The ECS documents of one delivery: one, except for a digest sent over syslog (`embedDigestAlerts` false),
 * which is its summary followed by its first alerts, each a document of its own (syslog receivers cap a message's
 * size, 8 KiB by default in rsyslog).
 */
export function ecsDocuments(envelope: EcsEnvelope, ctx: EcsContext, embedDigestAlerts: boolean): EcsDocument[] {
  const data = (envelope.data ?? {}) as { alert?: AlertLike; action?: BlockLike; alert_id?: string | null };
  if (envelope.event === 'alert.raised.digest') {
    const digest = envelope.data as AlertDigest;
    const alerts = digest.alerts.map((a, i) => {
      const single = { ...envelope, deliveryId: `${envelope.deliveryId}:${i + 1}`, event: 'alert.raised', data: a };
      return alertDocument(single, (a as { alert?: AlertLike }).alert ?? {}, ctx);
    });
    if (embedDigestAlerts) return [digestDocument(envelope, digest, ctx, alerts)];
    const digestId = envelope.deliveryId;
    const withDigest = alerts.map((a) => ({ ...a, labels: { ...(a.labels as object), digest_id: digestId } }));
    return [digestDocument(envelope, digest, ctx), ...withDigest];
  }
  if (envelope.event.startsWith('alert.') && data.alert) return [alertDocument(envelope, data.alert, ctx)];
  if (envelope.event.startsWith('network.') && data.action) {
    return [blockDocument(envelope, data.action, data.alert_id ?? null, ctx)];
  }
  return [genericDocument(envelope, ctx)];
}
