import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** "Do not alert on `attackType` from `srcCidr` to `dstCidr`:`dstPort` until `expiresAt`"; null fields match any. */
@Entity('suppression_rules')
export class SuppressionRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'attack_type', type: 'varchar', length: 128, nullable: true })
  attackType: string | null;

  /** As PostgreSQL prints a `cidr`: always with a prefix (`198.18.0.2/32`). */
  @Column({ name: 'src_cidr', type: 'cidr', nullable: true })
  srcCidr: string | null;

  @Column({ name: 'dst_cidr', type: 'cidr', nullable: true })
  dstCidr: string | null;

  @Column({ name: 'dst_port', type: 'integer', nullable: true })
  dstPort: number | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
