import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RiskLevel } from '../alerts/alert.entity';

/** The body of a delivery: the IDS-AI envelope (docs/webhooks.md), an ECS document or an OCSF event (docs/siem.md). */
export const WEBHOOK_PAYLOAD_FORMATS = ['ids', 'ecs', 'ocsf'] as const;
export type WebhookPayloadFormat = (typeof WEBHOOK_PAYLOAD_FORMATS)[number];

@Entity('webhooks')
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text' })
  url: string;

  /** The signing secret, encrypted (see WebhookSecretCipher); never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  secret: string;

  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ name: 'min_risk_level', type: 'enum', enum: RiskLevel, enumName: 'risk_level', nullable: true })
  minRiskLevel: RiskLevel | null;

  @Column({ name: 'payload_format', type: 'varchar', length: 8, default: 'ids' })
  payloadFormat: WebhookPayloadFormat;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
