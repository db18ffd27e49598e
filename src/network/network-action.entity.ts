import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum NetworkActionType {
  BLOCK_IP = 'block_ip',
  BLOCK_PORT = 'block_port',
}

/** pending → active → expired | revoked | failed (pending may also go straight to any of the last three). */
export enum NetworkActionStatus {
  PENDING = 'pending',
  ACTIVE = 'active',
  EXPIRED = 'expired',
  REVOKED = 'revoked',
  FAILED = 'failed',
}

export const LIVE_STATUSES: readonly NetworkActionStatus[] = [NetworkActionStatus.PENDING, NetworkActionStatus.ACTIVE];

/**
 * One block, the source of truth for the firewall: the reconciler installs every live (pending or active,
 * not yet expired) action and removes everything else. At most one live action per (type, target).
 */
@Entity('network_actions')
export class NetworkActionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'action_type', type: 'enum', enum: NetworkActionType, enumName: 'network_action_type' })
  actionType: NetworkActionType;

  /** Canonical address or CIDR (`198.18.0.2`, `10.0.0.0/8`) for block_ip; `<port>/<protocol>` for block_port. */
  @Column({ type: 'varchar', length: 64 })
  target: string;

  @Column({ type: 'smallint', nullable: true })
  family: number | null;

  @Column({ type: 'integer', nullable: true })
  port: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  protocol: string | null;

  @Column({ type: 'enum', enum: NetworkActionStatus, enumName: 'network_action_status', default: NetworkActionStatus.PENDING })
  status: NetworkActionStatus;

  @Column({ type: 'text', default: '' })
  reason: string;

  /** Effective duration (after escalation); null for a permanent block. */
  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  durationSeconds: number | null;

  /** Earlier blocks of the same target within the escalation lookback. */
  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel: number;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'is_automatic', type: 'boolean', default: false })
  isAutomatic: boolean;

  @Column({ name: 'alert_id', type: 'bigint', nullable: true })
  alertId: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy: string | null;

  /** The firewall driver that applied the block. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  driver: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
