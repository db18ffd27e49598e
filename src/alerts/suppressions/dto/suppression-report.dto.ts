import { ApiProperty } from '@nestjs/swagger';

export class SuppressionClassCountDto {
  @ApiProperty({ example: 'PortScan' }) attack_type: string;
  @ApiProperty({ description: 'Alerting flows of the class the rule matches' }) flows: number;
  @ApiProperty({ description: 'Distinct alerts those flows raised or folded into' }) alerts: number;
}

export class SuppressionSampleDto {
  @ApiProperty({ example: '81234' }) flow_id: string;
  @ApiProperty({ format: 'date-time' }) received_at: string;
  @ApiProperty({ example: 'PortScan' }) attack_type: string;
  @ApiProperty({ type: String, nullable: true }) src_ip: string | null;
  @ApiProperty({ type: String, nullable: true }) dst_ip: string | null;
  @ApiProperty({ type: Number, nullable: true }) dst_port: number | null;
  @ApiProperty({ example: '1042' }) alert_id: string;
}

export class SuppressionPreviewDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the window (now minus `hours`)' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Alerting flows of the window the rule would have suppressed' }) flows: number;
  @ApiProperty({ description: 'Distinct alerts they raised or folded into (summed over classes)' }) alerts: number;
  @ApiProperty({ type: [SuppressionClassCountDto] }) by_class: SuppressionClassCountDto[];
  @ApiProperty({ type: [SuppressionSampleDto], description: 'Up to 5 of the latest matching flows' }) samples: SuppressionSampleDto[];
}

export class SuppressedRuleCountDto {
  @ApiProperty({ format: 'uuid', description: 'The rule (possibly deleted since)' }) rule_id: string;
  @ApiProperty() suppressed: number;
  @ApiProperty({ format: 'date-time' }) last_hit_at: string;
}

export class SuppressedClassCountDto {
  @ApiProperty({ example: 'PortScan' }) attack_type: string;
  @ApiProperty() suppressed: number;
}

export class SuppressionStatsDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the window (whole hours)' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ description: 'Alert verdicts suppressed in the window (their flows are stored)' }) suppressed: number;
  @ApiProperty({ type: [SuppressedRuleCountDto] }) by_rule: SuppressedRuleCountDto[];
  @ApiProperty({ type: [SuppressedClassCountDto] }) by_class: SuppressedClassCountDto[];
}
