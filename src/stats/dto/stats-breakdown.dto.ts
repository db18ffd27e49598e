import { ApiProperty } from '@nestjs/swagger';

export class StatsPeriodDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the period used (inclusive)' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'End of the period used (exclusive)' }) to: string;
}

export class TopAddressDto {
  @ApiProperty({ example: '198.51.100.7' }) ip: string;
  @ApiProperty({ description: 'Flows from (sources) or to (destinations) the address' }) flows: number;
  @ApiProperty({ description: 'Of those, alert verdicts' }) alerts: number;
}

export class TopAddressesDto extends StatsPeriodDto {
  @ApiProperty({ enum: ['src', 'dst'] }) direction: 'src' | 'dst';
  @ApiProperty({ type: [TopAddressDto], description: 'Most alerts first, then most flows' }) items: TopAddressDto[];
}

export class AttackTypeShareDto {
  @ApiProperty({ example: 'PortScan' }) attack_type: string;
  @ApiProperty({ nullable: true, type: String, enum: ['none', 'low', 'medium', 'high', 'critical'], description: 'Severity of the class, null when unknown' })
  severity: string | null;
  @ApiProperty() flows: number;
  @ApiProperty({ description: 'Alert verdicts of the class' }) alerts: number;
  @ApiProperty({ example: 0.125, minimum: 0, maximum: 1, description: 'flows / total_flows of the period (0 when no flows)' })
  share: number;
}

export class AttackTypesDto extends StatsPeriodDto {
  @ApiProperty() total_flows: number;
  @ApiProperty() total_alerts: number;
  @ApiProperty({ type: [AttackTypeShareDto], description: 'Most flows first' }) items: AttackTypeShareDto[];
}

export class ActionCountDto {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Taken by the automatic response' }) automatic: number;
  @ApiProperty({ description: 'Taken by an analyst' }) manual: number;
}

export class ActionTypeCountDto extends ActionCountDto {
  @ApiProperty({ enum: ['block_ip', 'block_port'] }) action_type: string;
}

export class ActionStatusCountDto extends ActionCountDto {
  @ApiProperty({ enum: ['pending', 'active', 'expired', 'revoked', 'failed'] }) status: string;
}

export class ActionBreakdownDto extends ActionCountDto {
  @ApiProperty({ enum: ['block_ip', 'block_port'] }) action_type: string;
  @ApiProperty({ enum: ['pending', 'active', 'expired', 'revoked', 'failed'] }) status: string;
}

/** Network actions created in the period, counted now (their current status). */
export class ActionStatsDto extends StatsPeriodDto {
  @ApiProperty({ description: 'All actions created in the period' }) total: number;
  @ApiProperty() automatic: number;
  @ApiProperty() manual: number;
  @ApiProperty({ type: [ActionTypeCountDto], description: 'Every type, zero included' }) by_type: ActionTypeCountDto[];
  @ApiProperty({ type: [ActionStatusCountDto], description: 'Every status, zero included' }) by_status: ActionStatusCountDto[];
  @ApiProperty({ type: [ActionBreakdownDto], description: 'Each type × status seen in the period' }) items: ActionBreakdownDto[];
}

export class LabelPredictionsDto {
  @ApiProperty({ example: 'BENIGN' }) label: string;
  @ApiProperty() predictions: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'predictions / all predictions of the version' }) share: number;
}

export class ModelVersionStatsDto {
  @ApiProperty({ example: '2026.11.1' }) model_version: string;
  @ApiProperty({ description: 'The version currently active' }) is_active: boolean;
  @ApiProperty({ description: 'Flows this version classified' }) predictions: number;
  @ApiProperty({ type: [LabelPredictionsDto], description: 'Per predicted class, most first' }) by_label: LabelPredictionsDto[];
  @ApiProperty({ description: 'Its alerts an analyst closed: resolved + false_positive' }) reviewed_alerts: number;
  @ApiProperty({ description: 'Its alerts closed as false_positive' }) false_positives: number;
  @ApiProperty({ nullable: true, type: Number, description: 'false_positives / reviewed_alerts; null when none was reviewed' })
  false_positive_rate: number | null;
}

/** All-time, per model version: what it predicted (daily rollups) and how analysts judged its alerts. */
export class ModelStatsDto {
  @ApiProperty({ nullable: true, type: String }) active_version: string | null;
  @ApiProperty({ type: [ModelVersionStatsDto], description: 'The active version first, then the most recently used' })
  versions: ModelVersionStatsDto[];
}
