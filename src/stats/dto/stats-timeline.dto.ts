import { ApiProperty } from '@nestjs/swagger';
import { STATS_BUCKETS, StatsBucket } from '../stats-window';

export class TimelineCountsDto {
  @ApiProperty({ type: [Number], description: 'Flows per bucket, aligned with `buckets`' }) flows: number[];
  @ApiProperty({ type: [Number], description: 'Alert verdicts per bucket, aligned with `buckets`' }) alerts: number[];
}

export class TimelineSeriesDto extends TimelineCountsDto {
  @ApiProperty({ example: 'DDoS', description: 'Predicted class (BENIGN included)' }) attack_type: string;
  @ApiProperty() total_flows: number;
  @ApiProperty() total_alerts: number;
}

/**
 * Columnar, chart-ready: `buckets[i]` is the start of bucket i, and every array of `total` and of each series has
 * one value per bucket, zero where nothing was seen.
 */
export class StatsTimelineDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the first bucket (inclusive)' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'End of the last bucket (exclusive)' }) to: string;
  @ApiProperty({ enum: STATS_BUCKETS }) bucket: StatsBucket;
  @ApiProperty({ type: [String], format: 'date-time', description: 'Bucket starts, oldest first, gaps included' })
  buckets: string[];
  @ApiProperty({ type: TimelineCountsDto, description: 'All classes together' }) total: TimelineCountsDto;
  @ApiProperty({ type: [TimelineSeriesDto], description: 'One series per class seen in the period, most flows first' })
  series: TimelineSeriesDto[];
}

/** Series from the repository → the columnar answer: buckets listed, totals summed, most flows first. */
export function toTimelineDto(
  window: { from: Date; to: Date; bucket: StatsBucket; buckets: number },
  rows: { attack_type: string; flows: number[]; alerts: number[] }[],
): StatsTimelineDto {
  const step = (window.to.getTime() - window.from.getTime()) / window.buckets;
  const buckets = Array.from({ length: window.buckets }, (_, i) => new Date(window.from.getTime() + i * step).toISOString());
  const total: TimelineCountsDto = { flows: new Array<number>(window.buckets).fill(0), alerts: new Array<number>(window.buckets).fill(0) };
  const sum = (values: number[]) => values.reduce((acc, v) => acc + v, 0);
  const series: TimelineSeriesDto[] = rows.map((row) => {
    row.flows.forEach((v, i) => (total.flows[i] += v));
    row.alerts.forEach((v, i) => (total.alerts[i] += v));
    return { attack_type: row.attack_type, flows: row.flows, alerts: row.alerts, total_flows: sum(row.flows), total_alerts: sum(row.alerts) };
  });
  series.sort((a, b) => b.total_flows - a.total_flows || (a.attack_type < b.attack_type ? -1 : a.attack_type > b.attack_type ? 1 : 0));
  return { from: window.from.toISOString(), to: window.to.toISOString(), bucket: window.bucket, buckets, total, series };
}
