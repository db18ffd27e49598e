import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('model_versions')
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ name: 'artifact_path', type: 'text' })
  artifactPath: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'data_summary', type: 'jsonb', default: {} })
  dataSummary: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  metrics: Record<string, unknown>;

  @Column({ type: 'varchar', length: 32, nullable: true })
  backend: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: false })
  isActive: boolean;

  @Column({ name: 'is_shadow', type: 'boolean', default: false })
  isShadow: boolean;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;
}
