import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A flow as stored (partitioned by `received_at`; written in bulk with COPY, read through this entity). */
@Entity('flows')
export class FlowEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'flow_ts', type: 'timestamptz', nullable: true })
  flowTs: Date | null;

  @Column({ name: 'flow_id', type: 'varchar', length: 128, nullable: true })
  flowId: string | null;

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

  @Column({ type: 'varchar', length: 16 })
  source: string;

  @Column({ name: 'sensor_id', type: 'uuid', nullable: true })
  sensorId: string | null;

  @Column({ name: 'raw_features', type: 'double precision', array: true, select: false })
  rawFeatures: number[];

  @Column({ name: 'processed_features', type: 'real', array: true, nullable: true, select: false })
  processedFeatures: number[] | null;

  @Column({ name: 'predicted_label', type: 'varchar', length: 64, nullable: true })
  predictedLabel: string | null;

  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @Column({ name: 'anomaly_score', type: 'real', nullable: true })
  anomalyScore: number | null;

  @Column({ name: 'model_version', type: 'varchar', length: 64, nullable: true })
  modelVersion: string | null;

  /** `full` or `eve`: the model that gave the verdict. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  model: string | null;

  /** Share of the 78 features present in the flow when it was classified. */
  @Column({ name: 'feature_coverage', type: 'real', nullable: true })
  featureCoverage: number | null;

  /** The model's first class, set aside because its training data did not support it on the flow's protocol. */
  @Column({ name: 'unsupported_label', type: 'varchar', length: 64, nullable: true })
  unsupportedLabel: string | null;

  @Column({ name: 'alert_id', type: 'bigint', nullable: true })
  alertId: string | null;

  /** The suppression rule that kept the flow's alert verdict from alerting (docs/suppression.md). */
  @Column({ name: 'suppressed_by', type: 'uuid', nullable: true })
  suppressedBy: string | null;
}
