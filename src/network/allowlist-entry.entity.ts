import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An address or network that is never blocked (unless an admin forces it), until `expires_at` if set. */
@Entity('allowlist_entries')
export class AllowlistEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** As PostgreSQL prints a `cidr`: always with a prefix (`198.18.0.2/32`). */
  @Column({ type: 'cidr' })
  cidr: string;

  @Column({ type: 'text', default: '' })
  comment: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
