import type { AlertDigest } from '../alert-digest.store';
import { AttackClassification, AttackRef } from './attack-mapping';
import {
  AlertLike,
  alertMessage,
  BlockLike,
  blockMessage,
  BLOCK_VERBS,
  compact,
  isIp,
  mapDelivery,
  RISK_SCORES,
  SiemContext,
  SiemEnvelope,
  SiemMapping,
  TRANSPORTS,
} from './siem-envelope';

/** The ECS version the documents follow (https://www.elastic.co/guide/en/ecs/current). */
export const ECS_VERSION = '8.17.0';

export type EcsDocument = Record<string, unknown>;

/** `event.severity` 1 (low) … 4 (critical); `event.risk_score` by Elastic's detection-rule convention. */
const RISK: Record<string, { score: number; severity: number }> = {
  low: { score: RISK_SCORES.low, severity: 1 },
  medium: { score: RISK_SCORES.medium, severity: 2 },
  high: { score: RISK_SCORES.high, severity: 3 },
  critical: { score: RISK_SCORES.critical, severity: 4 },
};

const ALERT_ACTIONS: Record<string, { action: string; type: string[] }> = {
  'alert.raised': { action: 'alert-raised', type: ['info'] },
  'alert.updated': { action: 'alert-updated', type: ['info'] },
  'alert.resolved': { action: 'alert-resolved', type: ['info'] },
};

const BLOCK_ACTIONS: Record<string, { action: string; type: string[] }> = {
  'network.ip_blocked': { action: 'ip-blocked', type: ['denied', 'start'] },
  'network.port_blocked': { action: 'port-blocked', type: ['denied', 'start'] },
  'network.block_expired': { action: 'block-expired', type: ['end'] },
  'network.block_revoked': { action: 'block-revoked', type: ['end'] },
  'network.block_failed': { action: 'block-failed', type: ['denied'] },
};

export const DIGEST_ACTION = 'alert-digest';

function base(envelope: SiemEnvelope, ctx: SiemContext): EcsDocument {
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

/** An alert (raised, updated or resolved) as an ECS `event.kind: alert` document. */
export function alertDocument(envelope: SiemEnvelope, alert: AlertLike, ctx: SiemContext): EcsDocument {
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
    message: alertMessage(alert, action.replace('alert-', '')),
  });
}

/** A block taking effect or being lifted as an ECS `event.kind: event` document (`event.category: network`). */
export function blockDocument(
  envelope: SiemEnvelope,
  block: BlockLike,
  alertId: string | null,
  ctx: SiemContext,
): EcsDocument {
  const doc = base(envelope, ctx);
  const { action, type } = BLOCK_ACTIONS[envelope.event] ?? { action: envelope.event, type: ['info'] };
  const verb = BLOCK_VERBS[envelope.event];
  const isPort = block.type === 'block_port';
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
    message: blockMessage(envelope.event, block),
  });
}

/** A digest: counts of a storm's alerts; `alerts` (webhooks) carries the first ones as ECS documents too. */
export function digestDocument(
  envelope: SiemEnvelope,
  digest: AlertDigest,
  ctx: SiemContext,
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
function genericDocument(envelope: SiemEnvelope, ctx: SiemContext): EcsDocument {
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

/** The ECS documents of one delivery (see mapDelivery); a digest's alerts sent after it carry `labels.digest_id`. */
export function ecsDocuments(envelope: SiemEnvelope, ctx: SiemContext, embedDigestAlerts: boolean): EcsDocument[] {
  const mapping: SiemMapping<EcsDocument> = {
    alert: (env, alert) => alertDocument(env, alert, ctx),
    block: (env, block, alertId) => blockDocument(env, block, alertId, ctx),
    digest: (env, digest, embedded) => digestDocument(env, digest, ctx, embedded),
    digestAlert: (doc, digestId) => ({ ...doc, labels: { ...(doc.labels as object), digest_id: digestId } }),
    other: (env) => genericDocument(env, ctx),
  };
  return mapDelivery(envelope, mapping, embedDigestAlerts);
}
