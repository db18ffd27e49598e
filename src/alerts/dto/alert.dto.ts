import { ApiProperty } from '@nestjs/swagger';
import { AlertEntity, AlertSource, AlertStatus, RiskLevel } from '../alert.entity';
import { AlertAttackDto, toAlertAttackDtos } from './alert-attack.dto';

export class ClassProbabilityDto {
  @ApiProperty({ example: 'DDoS' }) label: string;
  @ApiProperty({ example: 0.97, minimum: 0, maximum: 1 }) probability: number;
}

export class FeatureContributionDto {
  @ApiProperty({ example: 'Bwd Packet Length Std' }) feature: string;
  @ApiProperty({ description: 'The raw value of the feature in the flow' }) value: number;
  @ApiProperty({ description: 'Signed weight of the feature for this verdict (gradient × input)' }) contribution: number;
}

/** An alert as the API and the realtime events show it. */
export class AlertDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ example: 'DDoS' }) attack_type: string;
  @ApiProperty({ enum: ['model', 'external', 'suricata'] }) source: AlertSource;
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel' }) risk_level: RiskLevel;
  @ApiProperty({ enum: AlertStatus, enumName: 'AlertStatus' }) status: AlertStatus;
  @ApiProperty({ description: 'Confidence of the latest verdict' }) confidence: number;
  @ApiProperty({ description: 'Highest confidence seen for this alert' }) max_confidence: number;
  @ApiProperty({ nullable: true, type: String, example: '198.18.0.10' }) src_ip: string | null;
  @ApiProperty({ nullable: true, type: String }) dst_ip: string | null;
  @ApiProperty({ nullable: true, type: Number }) src_port: number | null;
  @ApiProperty({ nullable: true, type: Number }) dst_port: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'IP protocol number (6 TCP, 17 UDP)' }) protocol: number | null;
  @ApiProperty({ description: 'Verdicts folded into this alert (storm de-duplication)' }) event_count: number;
  @ApiProperty({ format: 'date-time' }) first_seen: string;
  @ApiProperty({ format: 'date-time' }) last_seen: string;
  @ApiProperty({ nullable: true, type: String, description: 'The flow that raised the alert' }) flow_id: string | null;
  @ApiProperty({ nullable: true, type: String }) model_version: string | null;
  @ApiProperty({ type: [ClassProbabilityDto], nullable: true }) top_probabilities: ClassProbabilityDto[] | null;
  @ApiProperty({ type: [FeatureContributionDto], nullable: true, description: 'Features that weighed most' })
  explanation: FeatureContributionDto[] | null;
  @ApiProperty({ nullable: true, type: Number }) anomaly_score: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Source-specific evidence' })
  details: Record<string, unknown>;
  @ApiProperty({
    type: [AlertAttackDto],
    description:
      'MITRE ATT&CK techniques the alert stands for: its class\'s (docs/attack-mapping.md) or its Suricata rule\'s ' +
      'metadata; empty for anomalies and rules without ATT&CK metadata',
  })
  attack: AlertAttackDto[];
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assignee_id: string | null;
  @ApiProperty({ nullable: true, type: String }) resolution_reason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resolved_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Label given by an analyst (feedback)' })
  feedback_label: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toAlertDto(a: AlertEntity): AlertDto {
  return {
    id: String(a.id),
    attack_type: a.attackType,
    source: a.source,
    risk_level: a.riskLevel,
    status: a.status,
    confidence: a.confidence,
    max_confidence: a.maxConfidence,
    src_ip: a.srcIp,
    dst_ip: a.dstIp,
    src_port: a.srcPort,
    dst_port: a.dstPort,
    protocol: a.protocol,
    event_count: a.eventCount,
    first_seen: a.firstSeen.toISOString(),
    last_seen: a.lastSeen.toISOString(),
    flow_id: a.flowId === null ? null : String(a.flowId),
    model_version: a.modelVersion,
    top_probabilities: a.topProbabilities,
    explanation: a.explanation,
    anomaly_score: a.anomalyScore,
    details: a.details ?? {},
    attack: toAlertAttackDtos(a.attack),
    assignee_id: a.assigneeId,
    resolution_reason: a.resolutionReason,
    resolved_at: iso(a.resolvedAt),
    feedback_label: a.feedbackLabel,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
