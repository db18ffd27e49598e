import { ApiProperty } from '@nestjs/swagger';
import { DomainBoundary } from '../model/domain-boundary';
import { DriftThresholds } from './drift-judgement';
import { DriftSnapshot, SensorDrift } from './model-drift.monitor';

export class SensorDriftDto {
  @ApiProperty({ example: 'all', description: '`all`, an API key id, or `source:<ingest source>` for flows sent without a key' })
  sensor: string;
  @ApiProperty({ description: 'Flows in the window' }) flows: number;
  @ApiProperty({ description: 'Flows in the window the anomaly detector places outside the training domain' })
  out_of_domain_flows: number;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1, description: 'Their share (null: no flows)' })
  out_of_domain_ratio: number | null;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1, description: 'Mean share of the 78 features present' })
  feature_coverage: number | null;
  @ApiProperty({ description: 'The window holds at least `min_flows` flows, so it is judged' }) evaluated: boolean;
  @ApiProperty({ description: 'The alarm is firing' }) drifting: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the alarm fired' }) since: string | null;
  @ApiProperty({ type: [String], enum: ['out_of_domain', 'low_coverage'], description: 'Fire thresholds the window crosses now' })
  reasons: string[];
}

export class DomainBoundaryDto {
  @ApiProperty({ description: 'Anomaly score at and above which a flow is outside the training domain' }) threshold: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of the training flows scored below the threshold' })
  quantile: number | null;
  @ApiProperty({
    enum: ['training-quantile', 'anomaly-threshold'],
    description: '`anomaly-threshold`: a model trained before the boundary was recorded, judged by its anomaly threshold',
  })
  source: string;
}

export class DriftThresholdsDto {
  @ApiProperty() min_flows: number;
  @ApiProperty({ description: 'Fires at this out-of-domain share or above' }) out_of_domain_fire: number;
  @ApiProperty({ description: 'Clears below this share' }) out_of_domain_clear: number;
  @ApiProperty({ description: 'Fires below this mean feature coverage' }) coverage_fire: number;
  @ApiProperty({ description: 'Clears at this coverage or above' }) coverage_clear: number;
}

export class ModelDriftDto {
  @ApiProperty({ description: 'Length of the sliding window' }) window_seconds: number;
  @ApiProperty({ type: DriftThresholdsDto }) thresholds: DriftThresholdsDto;
  @ApiProperty({ type: DomainBoundaryDto, nullable: true, description: 'Null while no model is loaded' })
  boundary: DomainBoundaryDto | null;
  @ApiProperty({ type: SensorDriftDto, description: 'Every flow this process classified' }) overall: SensorDriftDto;
  @ApiProperty({ type: [SensorDriftDto], description: 'Sensors with flows in the window, or an alarm firing' })
  sensors: SensorDriftDto[];
}

function toSensorDriftDto(s: SensorDrift): SensorDriftDto {
  return {
    sensor: s.sensor,
    flows: s.flows,
    out_of_domain_flows: s.outOfDomainFlows,
    out_of_domain_ratio: s.outOfDomainRatio,
    feature_coverage: s.featureCoverage,
    evaluated: s.evaluated,
    drifting: s.drifting,
    since: s.since ? s.since.toISOString() : null,
    reasons: s.reasons,
  };
}

export function toModelDriftDto(snapshot: DriftSnapshot, settings: DriftThresholds & { windowSeconds: number }, boundary: DomainBoundary | null): ModelDriftDto {
  return {
    window_seconds: settings.windowSeconds,
    thresholds: {
      min_flows: settings.minFlows,
      out_of_domain_fire: settings.outOfDomainFire,
      out_of_domain_clear: settings.outOfDomainClear,
      coverage_fire: settings.coverageFire,
      coverage_clear: settings.coverageClear,
    },
    boundary: boundary && { threshold: boundary.threshold, quantile: boundary.quantile, source: boundary.source },
    overall: toSensorDriftDto(snapshot.overall),
    sensors: snapshot.sensors.map(toSensorDriftDto),
  };
}
