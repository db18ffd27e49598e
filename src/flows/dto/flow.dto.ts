import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CursorMetaDto } from '../../common/pagination/pagination.dto';
import { FEATURE_NAMES } from '../../core/features';
import { FlowEntity } from '../flow.entity';

export class FlowDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) received_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) timestamp: string | null;
  @ApiProperty({ nullable: true, type: String }) flow_id: string | null;
  @ApiProperty({ nullable: true, type: String }) src_ip: string | null;
  @ApiProperty({ nullable: true, type: String }) dst_ip: string | null;
  @ApiProperty({ nullable: true, type: Number }) src_port: number | null;
  @ApiProperty({ nullable: true, type: Number }) dst_port: number | null;
  @ApiProperty({ nullable: true, type: Number }) protocol: number | null;
  @ApiProperty({ enum: ['api', 'batch', 'csv', 'stream', 'eve', 'external'] }) source: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'API key that sent it' }) sensor_id: string | null;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
  @ApiProperty({ nullable: true, type: Number }) confidence: number | null;
  @ApiProperty({ nullable: true, type: Number }) anomaly_score: number | null;
  @ApiProperty({ nullable: true, type: String }) model_version: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['full', 'eve'], description: 'Model that gave the verdict (docs/eve-model.md)' })
  model: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of the 78 features present in the flow (0–1)' })
  feature_coverage: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The class the model ranked first, set aside because its training data had too few rows of it on the flow\'s ' +
      'IP protocol; `label` is then the most probable supported class (docs/eve-model.md, "Training support")',
  })
  unsupported_label: string | null;
  @ApiProperty({ nullable: true, type: String }) alert_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Suppression rule that kept its verdict from alerting' })
  suppressed_by: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'Raw features as received, by canonical name (detail view); non-finite values are null',
  })
  raw_features?: Record<string, number | null>;
  @ApiPropertyOptional({ type: [Number], nullable: true, description: 'Model input after the fitted transform' })
  processed_features?: number[] | null;
}

export class FlowPageDto {
  @ApiProperty({ type: [FlowDto] }) items: FlowDto[];
  @ApiProperty({ type: CursorMetaDto }) meta: CursorMetaDto;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export function toFlowDto(f: FlowEntity): FlowDto {
  const dto: FlowDto = {
    id: String(f.id),
    received_at: f.receivedAt.toISOString(),
    timestamp: f.flowTs ? f.flowTs.toISOString() : null,
    flow_id: f.flowId,
    src_ip: f.srcIp,
    dst_ip: f.dstIp,
    src_port: f.srcPort,
    dst_port: f.dstPort,
    protocol: f.protocol,
    source: f.source,
    sensor_id: f.sensorId,
    label: f.predictedLabel,
    confidence: f.confidence,
    anomaly_score: f.anomalyScore,
    model_version: f.modelVersion,
    model: f.model,
    feature_coverage: f.featureCoverage,
    unsupported_label: f.unsupportedLabel,
    alert_id: f.alertId === null ? null : String(f.alertId),
    suppressed_by: f.suppressedBy ?? null,
  };
  if (f.rawFeatures) {
    dto.raw_features = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, finite(Number(f.rawFeatures[i]))]));
    dto.processed_features = f.processedFeatures ? f.processedFeatures.map(Number) : null;
  }
  return dto;
}
