import { ApiProperty } from '@nestjs/swagger';

export class AlertStatusCountsDto {
  @ApiProperty({ example: 12 }) active: number;
  @ApiProperty({ example: 3 }) investigating: number;
  @ApiProperty({ example: 240 }) resolved: number;
  @ApiProperty({ example: 17 }) false_positive: number;
}

export class RiskLevelCountsDto {
  @ApiProperty({ example: 100 }) low: number;
  @ApiProperty({ example: 80 }) medium: number;
  @ApiProperty({ example: 70 }) high: number;
  @ApiProperty({ example: 22 }) critical: number;
}

export class AlertOverviewDto {
  @ApiProperty({ description: 'Every alert ever raised' }) total: number;
  @ApiProperty({ description: 'Alerts still open: active + investigating' }) open: number;
  @ApiProperty({ type: AlertStatusCountsDto, description: 'All alerts by status' }) by_status: AlertStatusCountsDto;
  @ApiProperty({ type: RiskLevelCountsDto, description: 'All alerts by risk level' }) by_risk_level: RiskLevelCountsDto;
  @ApiProperty({ type: RiskLevelCountsDto, description: 'Open alerts (active + investigating) by risk level' })
  open_by_risk_level: RiskLevelCountsDto;
}

export class TrafficRateDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the last complete UTC minute' }) window_from: string;
  @ApiProperty({ format: 'date-time', description: 'End of that minute (exclusive): the current minute, still filling, is not used' })
  window_to: string;
  @ApiProperty({ description: 'Flows received in that minute' }) flows: number;
  @ApiProperty({ description: 'Alert verdicts in that minute: flows that raised an alert or were folded into one' })
  alert_verdicts: number;
  @ApiProperty({ example: 1234.5, description: 'flows / 60' }) flows_per_second: number;
  @ApiProperty({ example: 42, description: 'alert_verdicts (per the one minute)' }) alerts_per_minute: number;
}

export class SuppressionOverviewDto {
  @ApiProperty({ description: 'Suppression rules in force (not expired)' }) rules_in_force: number;
  @ApiProperty({ description: 'Alert verdicts suppression rules kept from alerting in the last 24 h (whole hours; flows stored)' })
  suppressed_24h: number;
}

export class ActiveModelDto {
  @ApiProperty({ example: '2026.11.1' }) version: string;
  @ApiProperty({ nullable: true, type: String, example: 'tfjs-node' }) backend: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) activated_at: string | null;
}

export class StatsOverviewDto {
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ type: AlertOverviewDto }) alerts: AlertOverviewDto;
  @ApiProperty({ type: TrafficRateDto, description: 'Current rates, from the last complete minute of the rollups' })
  traffic: TrafficRateDto;
  @ApiProperty({ description: 'Network blocks in force (network actions with status active)' }) active_blocks: number;
  @ApiProperty({ type: SuppressionOverviewDto, description: 'Suppression rules (docs/suppression.md)' }) suppressions: SuppressionOverviewDto;
  @ApiProperty({ type: ActiveModelDto, nullable: true, description: 'The active model version, or null when none is registered' })
  model: ActiveModelDto | null;
}
