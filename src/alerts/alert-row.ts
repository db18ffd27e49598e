import { AlertEntity } from './alert.entity';

/** A timestamp as the milliseconds since the epoch a Date holds (microseconds dropped, as node-pg's parser does). */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Every column of the alert table aliased `a` as the value its field takes: read as plain rows and mapped by
 * {@link alertOf}, which costs a fraction of TypeORM's entity hydration and of node-pg parsing five timestamps per
 * row from text (list pages, and the alerts an ingest batch raises or folds into).
 */
const alertColumns = (a: string): Record<keyof AlertEntity, string> => ({
  id: `${a}.id`,
  attackType: `${a}.attack_type`,
  source: `${a}.source`,
  riskLevel: `${a}.risk_level`,
  status: `${a}.status`,
  confidence: `${a}.confidence`,
  maxConfidence: `${a}.max_confidence`,
  srcIp: `${a}.src_ip`,
  dstIp: `${a}.dst_ip`,
  srcPort: `${a}.src_port`,
  dstPort: `${a}.dst_port`,
  protocol: `${a}.protocol`,
  eventCount: `${a}.event_count`,
  firstSeen: epochMs(`${a}.first_seen`),
  lastSeen: epochMs(`${a}.last_seen`),
  flowId: `${a}.flow_id`,
  flowReceivedAt: epochMs(`${a}.flow_received_at`),
  modelVersion: `${a}.model_version`,
  topProbabilities: `${a}.top_probabilities`,
  explanation: `${a}.explanation`,
  anomalyScore: `${a}.anomaly_score`,
  details: `${a}.details`,
  attack: `${a}.attack`,
  assigneeId: `${a}.assignee_id`,
  resolutionReason: `${a}.resolution_reason`,
  resolvedBy: `${a}.resolved_by`,
  resolvedAt: epochMs(`${a}.resolved_at`),
  feedbackLabel: `${a}.feedback_label`,
  createdAt: epochMs(`${a}.created_at`),
  updatedAt: epochMs(`${a}.updated_at`),
});

/** The select list of an alert row, `expression AS "field"` each, with the alert table aliased `alias`. */
export function alertRowSelect(alias: string): string[] {
  return Object.entries(alertColumns(alias)).map(([field, sql]) => `${sql} AS "${field}"`);
}

/** The fields of an alert row, in the order of {@link alertRowSelect}. */
export const ALERT_ROW_FIELDS: readonly (keyof AlertEntity)[] = Object.keys(alertColumns('a')) as (keyof AlertEntity)[];

/** An alert as {@link alertRowSelect} reads it: timestamps as milliseconds since the epoch. */
export type AlertRow = {
  [K in keyof AlertEntity]: AlertEntity[K] extends Date ? number : AlertEntity[K] extends Date | null ? number | null : AlertEntity[K];
};

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The alert an {@link AlertRow} holds. */
export function alertOf(r: AlertRow): AlertEntity {
  return {
    id: r.id,
    attackType: r.attackType,
    source: r.source,
    riskLevel: r.riskLevel,
    status: r.status,
    confidence: r.confidence,
    maxConfidence: r.maxConfidence,
    srcIp: r.srcIp,
    dstIp: r.dstIp,
    srcPort: r.srcPort,
    dstPort: r.dstPort,
    protocol: r.protocol,
    eventCount: r.eventCount,
    firstSeen: new Date(r.firstSeen),
    lastSeen: new Date(r.lastSeen),
    flowId: r.flowId,
    flowReceivedAt: dateOf(r.flowReceivedAt),
    modelVersion: r.modelVersion,
    topProbabilities: r.topProbabilities,
    explanation: r.explanation,
    anomalyScore: r.anomalyScore,
    details: r.details,
    attack: r.attack,
    assigneeId: r.assigneeId,
    resolutionReason: r.resolutionReason,
    resolvedBy: r.resolvedBy,
    resolvedAt: dateOf(r.resolvedAt),
    feedbackLabel: r.feedbackLabel,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  };
}

