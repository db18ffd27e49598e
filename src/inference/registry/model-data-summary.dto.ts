import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/**
 * What a model version was trained on: the `training` part of its manifest.json (written by `npm run model:train`,
 * src/inference/model/training-run.ts), plus how it was registered: the job's fields for a retraining run
 * (POST /api/v1/inference/retrain), `source` for MODEL_DIR. Field names as in the manifest; every field is optional,
 * since versions from older releases lack some.
 */

export class TrainingSourceDto {
  @ApiProperty({ example: 'original' }) name: string;
  @ApiProperty({ example: 'train.csv' }) file: string;
  @ApiProperty({ type: [String], example: ['machine-learning-cve'], description: 'CSV dialects met' })
  dialects: string[];
}

export class IndicatorSettingDto {
  @ApiProperty({ example: 'Destination Port' }) feature: string;
  @ApiProperty({ type: 'integer', description: 'Training rows a value needs to get a column' }) minCount: number;
  @ApiProperty({ type: 'integer', description: 'Most columns, the most frequent values first' }) maxValues: number;
}

/** The detector settings of the run (DetectorSettings in src/inference/model/detector-training.ts). */
export class TrainingSettingsDto {
  @ApiProperty({ type: 'integer', example: 42 }) seed: number;
  @ApiProperty({ type: 'integer', description: 'Most epochs per training' }) epochs: number;
  @ApiProperty({ type: 'integer', description: 'Early stopping: epochs without improvement' }) patience: number;
  @ApiProperty() restoreBest: boolean;
  @ApiProperty({ type: 'integer' }) batchSize: number;
  @ApiProperty() learningRate: number;
  @ApiProperty() learningRateDecay: number;
  @ApiProperty() classWeightPower: number;
  @ApiProperty({ type: 'integer', description: 'Width of the hidden layers' }) hidden: number;
  @ApiProperty({ type: 'integer' }) blocks: number;
  @ApiProperty() dropout: number;
  @ApiProperty({ type: [IndicatorSettingDto], description: 'Features given one-hot columns for their frequent values' })
  indicators: IndicatorSettingDto[];
  @ApiPropertyOptional({ type: [String], description: 'Features kept out of the model input (docs/training.md)' })
  excludedFeatures?: string[];
  @ApiProperty({ type: 'integer' }) forestTrees: number;
  @ApiProperty({ type: 'integer' }) forestSampleSize: number;
  @ApiProperty({ description: 'Share of benign training flows scored below the anomaly threshold' })
  anomalyQuantile: number;
  @ApiPropertyOptional({ description: 'Share of training flows scored below the domain boundary' })
  domainQuantile?: number;
  @ApiProperty({ description: 'τ of the logit adjustment' }) logitAdjustment: number;
}

export class ModelDataSummaryDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'array', items: { $ref: getSchemaPath(TrainingSourceDto) } }, { type: 'string' }],
    description: 'The data sources trained on; versions trained on one file or directory name it in a string',
  })
  data?: TrainingSourceDto[] | string;
  @ApiPropertyOptional({ enum: ['full', 'eve'], description: 'Features seen: all, or what an EVE flow record has' })
  featureSet?: 'full' | 'eve';
  @ApiPropertyOptional({ type: 'integer', example: 65435, description: 'Rows read' }) rows?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Epochs of the final model' }) epochs?: number;
  @ApiPropertyOptional({ example: 'wasm', description: 'tfjs backend it was trained on' }) backend?: string;
  @ApiPropertyOptional({ type: TrainingSettingsDto }) settings?: TrainingSettingsDto;
  @ApiPropertyOptional({
    enum: ['MODEL_DIR'],
    description: 'MODEL_DIR: registered at start-up from that directory, the registry being empty',
  })
  source?: 'MODEL_DIR';
  @ApiPropertyOptional({ example: '7', description: 'Retraining job that made this version' }) job_id?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Retraining: the data file or directory on the server; null when it trained on feedback alone',
  })
  data_path?: string | null;
  @ApiPropertyOptional({ description: 'The analysts\u2019 feedback examples were added to the data' })
  feedback?: boolean;
}

/** Schemas only referenced from a `oneOf`: registered with @ApiExtraModels. */
export const MODEL_DATA_SUMMARY_MODELS = [TrainingSourceDto];
