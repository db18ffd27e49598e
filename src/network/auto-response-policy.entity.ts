import { Column, Entity, PrimaryColumn } from 'typeorm';
import { RiskLevel } from '../alerts/alert.entity';

export const AUTO_RESPONSE_POLICY_ID = 1;

/** The automatic response policy: a single row (id 1), created by its migration with everything off. */
@Entity('network_auto_response_policy')
export class AutoResponsePolicyEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'min_risk_level', type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  minRiskLevel: RiskLevel;

  @Column({ name: 'min_confidence', type: 'real' })
  minConfidence: number;

  /** Attack types that trigger a block; empty: any attack type. */
  @Column({ name: 'attack_types', type: 'text', array: true })
  attackTypes: string[];

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun: boolean;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
