import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/field-validators';
import { ModelDriftDto } from '../drift/model-drift.dto';
import { ModelDataSummaryDto } from './model-data-summary.dto';
import { ModelMetricsDto } from './model-metrics.dto';
import { ModelVersionEntity } from './model-version.entity';

export class ModelVersionDto {
  @ApiProperty({ example: 'mlp-4647cc8ba18d', description: 'Content hash of the model files' }) version: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: ModelDataSummaryDto, description: 'Trained on: sources, rows, settings, retraining job' })
  data_summary: ModelDataSummaryDto;
  @ApiProperty({ type: ModelMetricsDto, description: 'Held-out evaluation (metrics.json): overall, per class, source' })
  metrics: ModelMetricsDto;
  @ApiProperty({ nullable: true, type: String }) backend: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ description: 'Scores the same flows as the active model, without raising alerts' }) is_shadow: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) activated_at: string | null;
}

export class ModelStatusDto {
  @ApiProperty({ description: 'A model is loaded and answering' }) loaded: boolean;
  @ApiProperty({ nullable: true, type: String }) version: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['tensorflow', 'wasm', 'cpu'], description: 'tfjs backend in use' })
  backend: string | null;
  @ApiProperty({ type: [String] }) labels: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) loaded_at: string | null;
  @ApiProperty({ nullable: true, type: String }) shadow_version: string | null;
  @ApiProperty({ description: 'Flows waiting for the model' }) queued_flows: number;
  @ApiPropertyOptional({ nullable: true, type: String }) error?: string | null;
  @ApiProperty({ type: ModelDriftDto, description: 'The model-drift alarm of this process (docs/model-drift.md)' })
  drift: ModelDriftDto;
}

export class RetrainDto {
  @ApiPropertyOptional({
    description:
      'CSV file or directory inside DATASETS_DIR on the server (absolute, or relative to DATASETS_DIR; CIC-IDS2017 formats). ' +
      'Analyst feedback examples are added to it.',
    example: 'cicids2017/train.csv',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  data_path?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, description: 'Most epochs (early stopping may end sooner); default 60' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  epochs?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Seed of splits, initial weights and shuffles; default 42' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  @ApiPropertyOptional({ description: 'Add the analysts\u2019 labelled false positives to the training data; default true' })
  @IsOptional()
  @IsBoolean()
  include_feedback?: boolean;
}

export class RetrainAcceptedDto {
  @ApiProperty() job_id: string;
  @ApiProperty({ enum: ['waiting', 'active', 'completed', 'failed', 'delayed', 'paused'] }) state: string;
}

export function toModelVersionDto(m: ModelVersionEntity): ModelVersionDto {
  return {
    version: m.version,
    created_at: m.createdAt.toISOString(),
    // the stored JSON is the manifest's and metrics.json's (test/contract/model-metrics.e2e-spec.ts checks them)
    data_summary: m.dataSummary as ModelDataSummaryDto,
    metrics: m.metrics as ModelMetricsDto,
    backend: m.backend,
    is_active: m.isActive,
    is_shadow: m.isShadow,
    activated_at: m.activatedAt ? m.activatedAt.toISOString() : null,
  };
}
