import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A CrowdSec-compatible bouncer: its key (as a hash) and what its last pull of decisions told about it. */
@Entity('bouncers')
export class BouncerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  prefix: string;

  @Column({ name: 'key_hash', type: 'char', length: 64, select: false })
  keyHash: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_pull_at', type: 'timestamptz', nullable: true })
  lastPullAt: Date | null;

  @Column({ name: 'last_pull_ip', type: 'inet', nullable: true })
  lastPullIp: string | null;

  /** The User-Agent of the last pull (`crowdsec-firewall-bouncer/v0.0.25-…`). */
  @Column({ name: 'user_agent', type: 'varchar', length: 256, nullable: true })
  userAgent: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
