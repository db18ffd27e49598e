import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AlertStatus } from './alert.entity';

/** One entry of an alert's timeline: a note, a status change, an assignment, an automatic action, … */
@Entity('alert_events')
export class AlertEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'alert_id', type: 'bigint' })
  alertId: string;

  @Column({ name: 'actor_type', type: 'enum', enum: ['user', 'api_key', 'system'], enumName: 'actor_type', default: 'user' })
  actorType: 'user' | 'api_key' | 'system';

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ name: 'from_status', type: 'enum', enum: AlertStatus, enumName: 'alert_status', nullable: true })
  fromStatus: AlertStatus | null;

  @Column({ name: 'to_status', type: 'enum', enum: AlertStatus, enumName: 'alert_status', nullable: true })
  toStatus: AlertStatus | null;

  @Column({ type: 'jsonb', default: {} })
  data: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
