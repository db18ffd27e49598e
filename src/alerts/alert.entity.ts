import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AttackMapping } from '../core/attack/mitre-attack';

export enum AlertStatus {
  ACTIVE = 'active',
  INVESTIGATING = 'investigating',
  RESOLVED = 'resolved',
  FALSE_POSITIVE = 'false_positive',
}

export enum RiskLevel {
  LOW = 'low',
  MEDIUM = 'medium',
  HIGH = 'high',
  CRITICAL = 'critical',
}

/** Where a verdict came from: our model, an external AI service (`/inference/process`) or Suricata. */
export type AlertSource = 'model' | 'external' | 'suricata';

export interface ClassProbability {
  label: string;
  probability: number;
}

export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

@Entity('alerts')
export class AlertEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'attack_type', type: 'varchar', length: 128 })
  attackType: string;

  @Column({ type: 'varchar', length: 16, default: 'model' })
  source: AlertSource;

  @Column({ name: 'risk_level', type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  riskLevel: RiskLevel;

  @Column({ type: 'enum', enum: AlertStatus, enumName: 'alert_status', default: AlertStatus.ACTIVE })
  status: AlertStatus;

  @Column({ type: 'real' })
  confidence: number;

  @Column({ name: 'max_confidence', type: 'real' })
  maxConfidence: number;

  @Column({ name: 'src_ip', type: 'inet', nullable: true })
  srcIp: string | null;

  @Column({ name: 'dst_ip', type: 'inet', nullable: true })
  dstIp: string | null;

  @Column({ name: 'src_port', type: 'integer', nullable: true })
  srcPort: number | null;

  @Column({ name: 'dst_port', type: 'integer', nullable: true })
  dstPort: number | null;

  @Column({ type: 'smallint', nullable: true })
  protocol: number | null;

  @Column({ name: 'event_count', type: 'integer', default: 1 })
  eventCount: number;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen: Date;

  /** The flow that raised the alert (flows are partitioned: the link is the id and its received_at). */
  @Column({ name: 'flow_id', type: 'bigint', nullable: true })
  flowId: string | null;

  @Column({ name: 'flow_received_at', type: 'timestamptz', nullable: true })
  flowReceivedAt: Date | null;

  @Column({ name: 'model_version', type: 'varchar', length: 64, nullable: true })
  modelVersion: string | null;

  @Column({ name: 'top_probabilities', type: 'jsonb', nullable: true })
  topProbabilities: ClassProbability[] | null;

  @Column({ type: 'jsonb', nullable: true })
  explanation: FeatureContribution[] | null;

  @Column({ name: 'anomaly_score', type: 'real', nullable: true })
  anomalyScore: number | null;

  /** Source-specific evidence: Suricata signature and category, the external service's details, … */
  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;

  /** MITRE ATT&CK techniques the alert stands for, as stated when it was raised (docs/attack-mapping.md). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  attack: AttackMapping[];

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ name: 'resolution_reason', type: 'text', nullable: true })
  resolutionReason: string | null;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'feedback_label', type: 'varchar', length: 64, nullable: true })
  feedbackLabel: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
