import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const FEATURES_DESCRIPTION =
  'CIC-IDS2017 / CICFlowMeter features: either an object keyed by feature name in any CICFlowMeter dialect and ' +
  'spelling (" Flow Duration", "flow_duration", "Tot Fwd Pkts" of CICFlowMeter-V4/CSE-CIC-IDS2018, "Total Fwd Packet" ' +
  'of the corrected meter; all 78 features, "Fwd Header Length.1" may be omitted; identity, label and a dialect\'s ' +
  'extra columns are ignored; docs/flow-dialects.md) or an array of the 78 values in the canonical order. Values ' +
  'are numbers, or null / "Infinity" / "-Infinity" / "NaN" where CICFlowMeter writes those (JSON has no Infinity).';

/** One flow posted by a sensor (documentation of the body; validation is done by the ingest pipe). */
export class FlowInputDto {
  @ApiPropertyOptional({ maxLength: 128, example: '198.18.0.10-198.18.1.20-51234-80-6' }) flow_id?: string;
  @ApiPropertyOptional({ example: '198.18.0.10', description: 'IPv4 or IPv6 address' }) src_ip?: string;
  @ApiPropertyOptional({ example: '198.18.1.20' }) dst_ip?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 65535 }) src_port?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 65535 }) dst_port?: number;
  @ApiPropertyOptional({
    oneOf: [{ type: 'integer', minimum: 0, maximum: 255 }, { type: 'string', enum: ['tcp', 'udp', 'icmp', 'icmpv6', 'sctp'] }],
    description: 'IP protocol number or name',
  })
  protocol?: number | string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the flow was seen (ISO 8601 or epoch seconds)' })
  timestamp?: string;
  @ApiProperty({
    description: FEATURES_DESCRIPTION,
    oneOf: [
      { type: 'object', additionalProperties: { oneOf: [{ type: 'number', nullable: true }, { type: 'string', enum: ['Infinity', '-Infinity', 'NaN'] }] } },
      { type: 'array', minItems: 78, maxItems: 78, items: { oneOf: [{ type: 'number', nullable: true }, { type: 'string', enum: ['Infinity', '-Infinity', 'NaN'] }] } },
    ],
  })
  features: Record<string, number | string | null> | (number | string | null)[];
}

export class FlowBatchDto {
  @ApiProperty({ type: [FlowInputDto], description: 'Up to INGEST_MAX_BATCH flows (5,000 by default); more → 413' })
  flows: FlowInputDto[];
}

export class IngestedFlowDto {
  @ApiProperty({ description: 'Stored flow id' }) id: string;
  @ApiProperty({ nullable: true, type: String }) flow_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'DDoS' }) label: string | null;
  @ApiProperty({ nullable: true, type: Number }) confidence: number | null;
  @ApiProperty({ nullable: true, type: Number }) anomaly_score: number | null;
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
  @ApiProperty({ nullable: true, type: String, description: 'The alert raised or updated by this flow' }) alert_id: string | null;
}

export class ModelUseDto {
  @ApiProperty({ enum: ['full', 'eve'] }) model: string;
  @ApiProperty({ example: 'mlp-9bba1fdb8e0b' }) version: string;
  @ApiProperty({ description: 'Flows of the request this model classified' }) flows: number;
}

export class IngestResultDto {
  @ApiProperty({ description: 'Flows stored (all of them: a request is accepted whole or refused whole)' }) accepted: number;
  @ApiProperty() alerts_raised: number;
  @ApiProperty({ description: 'Open alerts the verdicts were folded into (de-duplication)' }) alerts_updated: number;
  @ApiProperty({ description: 'The active (full) model version' }) model_version: string;
  @ApiProperty({ type: [ModelUseDto], description: 'The models that classified the flows: full, and eve for flows with few features' })
  models: ModelUseDto[];
  @ApiProperty({ type: [IngestedFlowDto] }) flows: IngestedFlowDto[];
}
