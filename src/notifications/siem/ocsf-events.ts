import type { AlertDigest } from '../alert-digest.store';
import { AttackClassification, AttackRef } from './attack-mapping';
import {
  AlertLike,
  alertMessage,
  BlockLike,
  blockMessage,
  compact,
  isIp,
  mapDelivery,
  RISK_SCORES,
  SiemContext,
  SiemEnvelope,
  SiemMapping,
  TRANSPORTS,
} from './siem-envelope';

/** The OCSF schema version the events follow (https://schema.ocsf.io/1.8.0/). */
export const OCSF_VERSION = '1.8.0';

export type OcsfEvent = Record<string, unknown>;

interface OcsfClass {
  uid: number;
  name: string;
  category: number;
  categoryName: string;
}

/** The event classes IDS-AI emits: alerts are Detection Findings, blocks Network Remediation Activity. */
export const OCSF_CLASSES = {
  BASE: { uid: 0, name: 'Base Event', category: 0, categoryName: 'Uncategorized' },
  DETECTION_FINDING: { uid: 2004, name: 'Detection Finding', category: 2, categoryName: 'Findings' },
  NETWORK_REMEDIATION: { uid: 7004, name: 'Network Remediation Activity', category: 7, categoryName: 'Remediation' },
} satisfies Record<string, OcsfClass>;

/** `severity_id` (0 Unknown … 5 Critical) and `risk_level_id` (0 Info … 4 Critical) of an alert's risk level. */
const RISK: Record<string, { severity: [number, string]; level: [number, string] }> = {
  low: { severity: [2, 'Low'], level: [1, 'Low'] },
  medium: { severity: [3, 'Medium'], level: [2, 'Medium'] },
  high: { severity: [4, 'High'], level: [3, 'High'] },
  critical: { severity: [5, 'Critical'], level: [4, 'Critical'] },
};

/** Finding `activity_id`: 1 Create, 2 Update, 3 Close. */
const FINDING_ACTIVITIES: Record<string, [number, string]> = {
  'alert.raised': [1, 'Create'],
  'alert.updated': [2, 'Update'],
  'alert.resolved': [3, 'Close'],
};

/** Finding `status_id` of an alert status (false positives are resolved findings; `status_detail` says which). */
const FINDING_STATUS: Record<string, [number, string]> = {
  active: [1, 'New'],
  investigating: [2, 'In Progress'],
  resolved: [4, 'Resolved'],
  false_positive: [4, 'Resolved'],
};

/** A MITRE D3FEND countermeasure: tactic and technique, with their d3fend.mitre.org pages. */
const d3fend = (tactic: string, techniqueId: string, technique: string) => ({
  d3f_tactic: { uid: `d3f:${tactic}`, name: tactic, src_url: `https://d3fend.mitre.org/tactic/d3f:${tactic}/` },
  d3f_technique: {
    uid: techniqueId,
    name: technique,
    src_url: `https://d3fend.mitre.org/technique/d3f:${technique.replace(/ /g, '')}/`,
  },
});

/** A block taking effect isolates (Inbound Traffic Filtering); one lifted restores (Restore Network Access). */
const ISOLATE = { activity: [1, 'Isolate'] as [number, string], countermeasure: d3fend('Isolate', 'D3-ITF', 'Inbound Traffic Filtering') };
const RESTORE = { activity: [3, 'Restore'] as [number, string], countermeasure: d3fend('Restore', 'D3-RNA', 'Restore Network Access') };
const BLOCK_ACTIVITIES: Record<string, typeof ISOLATE> = {
  'network.ip_blocked': ISOLATE,
  'network.port_blocked': ISOLATE,
  'network.block_failed': ISOLATE,
  'network.block_expired': RESTORE,
  'network.block_revoked': RESTORE,
};

/** Observable `type_id`s (OCSF dictionary types): 2 IP Address, 11 Port, 12 Subnet. */
const OBSERVABLE = { IP: [2, 'IP Address'], PORT: [11, 'Port'], SUBNET: [12, 'Subnet'] } as const;

const ms = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

const ipVersion = (ip: string | null | undefined): number | undefined => (ip ? (ip.includes(':') ? 6 : 4) : undefined);

/** The attributes every event carries: classification, time, severity, metadata and this instance as the device. */
function base(
  cls: OcsfClass,
  [activityId, activityName]: [number, string],
  [severityId, severity]: [number, string],
  time: number,
  envelope: SiemEnvelope,
  ctx: SiemContext,
  logName: string,
): OcsfEvent {
  return {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.category,
    category_name: cls.categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.name}: ${activityName}`,
    time,
    timezone_offset: 0,
    severity_id: severityId,
    severity,
    metadata: {
      version: OCSF_VERSION,
      uid: envelope.deliveryId,
      event_code: envelope.event,
      log_name: logName,
      original_time: envelope.occurredAt,
      product: { name: 'IDS-AI', vendor_name: 'IDS-AI', version: ctx.observer.version },
    },
    device: { hostname: ctx.observer.hostname, type_id: 13, type: 'IDS' },
  };
}

const attackRef = (kind: 'tactics' | 'techniques', ref: AttackRef | undefined) =>
  ref && {
    uid: ref.id,
    name: ref.name,
    src_url: ref.reference ?? `https://attack.mitre.org/${kind}/${ref.id.replace('.', '/')}/`,
  };

/** `finding_info.attacks`: one ATT&CK object per technique the alert stands for. */
function attacks(classifications: AttackClassification[]): OcsfEvent[] | undefined {
  const list = classifications.map((c) => ({
    tactic: attackRef('tactics', c.tactic),
    technique: attackRef('techniques', c.technique),
    sub_technique: attackRef('techniques', c.subtechnique),
  }));
  return list.length ? list : undefined;
}

/** `finding_info.analytic`: the model (type 4, Learning) or the Suricata rule (type 1, Rule) that raised it. */
function analytic(alert: AlertLike): OcsfEvent {
  const details = alert.details ?? {};
  if (alert.source === 'model') {
    const version = alert.model_version ?? undefined;
    return { type_id: 4, type: 'Learning (ML/DL)', name: 'IDS-AI flow classifier', uid: version, version };
  }
  if (alert.source === 'suricata') {
    return {
      type_id: 1,
      type: 'Rule',
      name: (details.signature as string | undefined) ?? alert.attack_type,
      uid: details.signature_id == null ? undefined : String(details.signature_id as number),
      category: details.category,
    };
  }
  return { type_id: 99, type: 'Other', name: alert.source ?? 'unknown' };
}

/** `evidences`: the flow's endpoints and protocol, when the alert has any. */
function evidences(a: AlertLike): OcsfEvent[] | undefined {
  if (!a.src_ip && !a.dst_ip && a.protocol == null) return undefined;
  return [
    {
      src_endpoint: { ip: a.src_ip, port: a.src_port },
      dst_endpoint: { ip: a.dst_ip, port: a.dst_port },
      connection_info: {
        direction_id: 0,
        direction: 'Unknown',
        protocol_num: a.protocol,
        protocol_name: a.protocol == null ? undefined : TRANSPORTS[a.protocol],
        protocol_ver_id: ipVersion(a.src_ip ?? a.dst_ip),
      },
    },
  ];
}

function alertObservables(a: AlertLike): OcsfEvent[] | undefined {
  const [typeId, type] = OBSERVABLE.IP;
  const list = [
    isIp(a.src_ip) && { name: 'evidences[0].src_endpoint.ip', type_id: typeId, type, value: a.src_ip },
    isIp(a.dst_ip) && { name: 'evidences[0].dst_endpoint.ip', type_id: typeId, type, value: a.dst_ip },
  ].filter((o): o is Exclude<typeof o, false> => !!o);
  return list.length ? list : undefined;
}

/** OCSF `confidence_id` of a class probability: High from 0.9, Medium from 0.6, else Low. */
const confidenceId = (p: number): [number, string] => (p >= 0.9 ? [3, 'High'] : p >= 0.6 ? [2, 'Medium'] : [1, 'Low']);

/** An alert (raised, updated or resolved) as an OCSF Detection Finding (2004): Create, Update or Close. */
export function alertFinding(envelope: SiemEnvelope, alert: AlertLike, ctx: SiemContext): OcsfEvent {
  const activity = FINDING_ACTIVITIES[envelope.event] ?? FINDING_ACTIVITIES['alert.raised'];
  const risk = RISK[alert.risk_level ?? ''];
  const created = activity[0] === 1;
  const time = (created ? ms(alert.created_at) : undefined) ?? ms(envelope.occurredAt) ?? Date.now();
  const [statusId, status] = FINDING_STATUS[alert.status ?? ''] ?? [0, 'Unknown'];
  const confidence = alert.confidence == null ? undefined : confidenceId(alert.confidence);
  return compact({
    ...base(
      OCSF_CLASSES.DETECTION_FINDING,
      activity,
      risk?.severity ?? [0, 'Unknown'],
      time,
      envelope,
      ctx,
      'alerts',
    ),
    is_alert: created,
    status_id: statusId,
    status,
    status_detail: alert.status === 'false_positive' ? 'False positive' : undefined,
    comment: alert.resolution_reason ?? undefined,
    risk_level_id: risk?.level[0],
    risk_level: risk?.level[1],
    risk_score: alert.risk_level ? RISK_SCORES[alert.risk_level] : undefined,
    confidence_id: confidence?.[0],
    confidence: confidence?.[1],
    confidence_score: alert.confidence == null ? undefined : Math.round(alert.confidence * 100),
    count: alert.event_count,
    start_time: ms(alert.first_seen),
    end_time: ms(alert.last_seen),
    message: alertMessage(alert, envelope.event.replace('alert.', '')),
    finding_info: {
      uid: alert.id ?? envelope.deliveryId,
      title: alert.attack_type,
      desc: alertMessage(alert, 'raised'),
      types: alert.attack_type ? [alert.attack_type] : undefined,
      created_time: ms(alert.created_at),
      modified_time: created ? undefined : ms(envelope.occurredAt),
      first_seen_time: ms(alert.first_seen),
      last_seen_time: ms(alert.last_seen),
      analytic: analytic(alert),
      attacks: attacks(ctx.attack.classify(alert)),
    },
    evidences: evidences(alert),
    observables: alertObservables(alert),
  });
}

function blockObservables(block: BlockLike): OcsfEvent[] | undefined {
  if (block.type === 'block_port' && block.port != null) {
    const [typeId, type] = OBSERVABLE.PORT;
    return [{ name: 'unmapped.block.port', type_id: typeId, type, value: String(block.port) }];
  }
  if (!isIp(block.target?.split('/')[0])) return undefined;
  const [typeId, type] = block.target!.includes('/') ? OBSERVABLE.SUBNET : OBSERVABLE.IP;
  return [{ name: 'unmapped.block.target', type_id: typeId, type, value: block.target }];
}

/**
 * A block taking effect (Isolate: D3FEND Inbound Traffic Filtering), failing (Isolate, status Error), or being
 * lifted (Restore: Restore Network Access), as OCSF Network Remediation Activity (7004). The target has no attribute
 * of its own in that class: it is in `unmapped.block` and, as an address, subnet or port, in `observables`.
 */
export function blockRemediation(
  envelope: SiemEnvelope,
  block: BlockLike,
  alertId: string | null,
  ctx: SiemContext,
): OcsfEvent {
  const { activity, countermeasure } = BLOCK_ACTIVITIES[envelope.event] ?? ISOLATE;
  const failed = envelope.event === 'network.block_failed';
  const isolating = activity === ISOLATE.activity;
  const time = ms(isolating ? block.applied_at : block.ended_at) ?? ms(envelope.occurredAt) ?? Date.now();
  const isPort = block.type === 'block_port';
  return compact({
    ...base(
      OCSF_CLASSES.NETWORK_REMEDIATION,
      activity,
      failed ? [3, 'Medium'] : [1, 'Informational'],
      time,
      envelope,
      ctx,
      'network_actions',
    ),
    status_id: failed ? 6 : 1,
    status: failed ? 'Error' : 'Success',
    status_detail: failed ? block.reason : undefined,
    command_uid: block.id ?? envelope.deliveryId,
    countermeasures: [countermeasure],
    connection_info: {
      direction_id: 1,
      direction: 'Inbound',
      protocol_name: isPort ? (block.protocol ?? undefined) : undefined,
      protocol_ver_id: isPort ? undefined : (block.family ?? ipVersion(block.target)),
    },
    start_time: ms(block.applied_at),
    end_time: ms(isolating ? block.expires_at : block.ended_at),
    duration: isolating && block.duration_seconds != null ? block.duration_seconds * 1000 : undefined,
    message: blockMessage(envelope.event, block),
    observables: blockObservables(block),
    unmapped: {
      block: {
        id: block.id,
        type: block.type,
        target: block.target,
        port: block.port,
        protocol: block.protocol,
        reason: block.reason,
        duration_seconds: block.duration_seconds,
        expires_at: block.expires_at,
        automatic: block.is_automatic,
        alert_id: alertId ?? undefined,
      },
    },
  });
}

/** A digest as one Detection Finding (Create) counting the storm; `embedded` (webhooks) are its first alerts. */
export function digestFinding(
  envelope: SiemEnvelope,
  digest: AlertDigest,
  ctx: SiemContext,
  embedded?: OcsfEvent[],
): OcsfEvent {
  const levels = Object.keys(digest.by_risk_level).filter((l) => RISK[l]);
  const top = levels.sort((a, b) => RISK[b].level[0] - RISK[a].level[0])[0];
  const classes = Object.entries(digest.by_attack_type)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const message =
    `IDS-AI alert storm: ${digest.count} alerts in ${digest.window_ms} ms (${classes}); ` +
    `${digest.alerts.length} sent in full`;
  const event = base(
    OCSF_CLASSES.DETECTION_FINDING,
    [1, 'Create'],
    top ? RISK[top].severity : [0, 'Unknown'],
    ms(envelope.occurredAt) ?? Date.now(),
    envelope,
    ctx,
    'alert_digests',
  );
  return compact({
    ...event,
    metadata: { ...(event.metadata as object), correlation_uid: envelope.deliveryId },
    is_alert: true,
    status_id: 1,
    status: 'New',
    risk_level_id: top ? RISK[top].level[0] : undefined,
    risk_level: top ? RISK[top].level[1] : undefined,
    count: digest.count,
    start_time: ms(digest.first_at),
    end_time: ms(digest.last_at),
    message,
    finding_info: {
      uid: envelope.deliveryId,
      title: 'IDS-AI alert storm',
      desc: message,
      types: Object.keys(digest.by_attack_type),
      first_seen_time: ms(digest.first_at),
      last_seen_time: ms(digest.last_at),
      related_events_count: digest.count,
    },
    unmapped: {
      digest: {
        count: digest.count,
        window_ms: digest.window_ms,
        by_attack_type: digest.by_attack_type,
        by_risk_level: digest.by_risk_level,
        omitted: digest.omitted,
        alerts: embedded,
      },
    },
  });
}

/** Any other event (model activation, test ping): a Base Event (class 0, activity Other) with the payload unmapped. */
function baseEvent(envelope: SiemEnvelope, ctx: SiemContext): OcsfEvent {
  return compact({
    ...base(
      OCSF_CLASSES.BASE,
      [99, envelope.event],
      [1, 'Informational'],
      ms(envelope.occurredAt) ?? Date.now(),
      envelope,
      ctx,
      'events',
    ),
    message: `IDS-AI ${envelope.event}`,
    unmapped: { data: envelope.data },
  });
}

/** The OCSF events of one delivery (see mapDelivery); a digest's alerts share its `metadata.correlation_uid`. */
export function ocsfEvents(envelope: SiemEnvelope, ctx: SiemContext, embedDigestAlerts: boolean): OcsfEvent[] {
  const mapping: SiemMapping<OcsfEvent> = {
    alert: (env, alert) => alertFinding(env, alert, ctx),
    block: (env, block, alertId) => blockRemediation(env, block, alertId, ctx),
    digest: (env, digest, embedded) => digestFinding(env, digest, ctx, embedded),
    digestAlert: (event, digestId) => ({ ...event, metadata: { ...(event.metadata as object), correlation_uid: digestId } }),
    other: (env) => baseEvent(env, ctx),
  };
  return mapDelivery(envelope, mapping, embedDigestAlerts);
}
