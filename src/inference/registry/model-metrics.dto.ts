import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/**
 * The evaluation report of a model version: `metrics.json` as `npm run model:train` writes it (TrainingMetrics in
 * src/inference/model/training-metrics.ts), field names as in the file. Versions trained by older releases lack
 * some parts, so every part is optional; test/contract/model-metrics.e2e-spec.ts checks the files against this.
 */

const NO_RUN = 'null when no evaluation run was made (`--eval-seeds 0`)';

export class ClassScoresDto {
  @ApiProperty({ example: 0.9973 }) precision: number;
  @ApiProperty({ example: 0.9956 }) recall: number;
  @ApiProperty({ example: 0.9964 }) f1: number;
  @ApiProperty({ type: 'integer', example: 5661, description: 'Held-out rows of the class' }) support: number;
}

export class ConfusionMatrixDto {
  @ApiProperty({ type: [String], description: 'Row and column labels: true classes, then other predictions' })
  labels: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'integer' } },
    description: 'matrix[i][j]: rows of true class labels[i] predicted as labels[j]',
  })
  matrix: number[][];
}

export class FigureSpreadDto {
  @ApiProperty() mean: number;
  @ApiProperty({ description: 'Sample standard deviation (0 with one run)' }) std: number;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
}

/** A figure's spread over the evaluation runs; empty when no run was made. */
export class FigureSpreadsDto {
  @ApiPropertyOptional({ type: FigureSpreadDto }) accuracy?: FigureSpreadDto;
  @ApiPropertyOptional({ type: FigureSpreadDto }) macroF1?: FigureSpreadDto;
  @ApiPropertyOptional({ type: FigureSpreadDto }) weightedF1?: FigureSpreadDto;
  @ApiPropertyOptional({ type: FigureSpreadDto }) macroF1WebMerged?: FigureSpreadDto;
}

export class HeadlineFiguresDto {
  @ApiProperty() accuracy: number;
  @ApiProperty() macroF1: number;
  @ApiProperty() weightedF1: number;
  @ApiProperty({ description: 'Macro-F1 with the three web attacks counted as one class' }) macroF1WebMerged: number;
}

export class SourceDataDto {
  @ApiProperty({ example: 'original' }) name: string;
  @ApiProperty({ example: 'train.csv' }) file: string;
  @ApiProperty({ type: [String], example: ['machine-learning-cve'], description: 'CSV dialects met' })
  dialects: string[];
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty({ type: 'integer', description: 'Rows that could not be read' }) skipped: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows per class' })
  classes: Record<string, number>;
}

export class EvaluationDataDto {
  @ApiPropertyOptional({ type: [SourceDataDto], description: 'The sources trained on' }) sources?: SourceDataDto[];
  @ApiPropertyOptional({ description: 'Older versions: the one data file or directory trained on' }) file?: string;
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty({ type: 'integer' }) skipped: number;
}

export class SeedRunDto extends HeadlineFiguresDto {
  @ApiProperty({ type: 'integer', example: 42 }) seed: number;
  @ApiProperty({ type: 'integer' }) bestEpoch: number;
  @ApiProperty({ type: 'integer' }) epochsTrained: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'F1 per class' })
  perClassF1: Record<string, number>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(HeadlineFiguresDto) },
    description: 'The same run on each source\u2019s held-out rows (several sources only)',
  })
  perSource?: Record<string, HeadlineFiguresDto>;
}

export class SourceMetricsDto extends HeadlineFiguresDto {
  @ApiProperty({ type: 'integer', description: 'Held-out rows of the source (first run)' }) rows: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(ClassScoresDto) } })
  perClass: Record<string, ClassScoresDto>;
  @ApiProperty({ type: ConfusionMatrixDto }) confusionMatrix: ConfusionMatrixDto;
  @ApiProperty({ type: FigureSpreadsDto }) spread: FigureSpreadsDto;
}

export class EvaluationDto {
  @ApiProperty({ description: 'How the rows were split and scored, in words' }) protocol: string;
  @ApiProperty({ type: EvaluationDataDto }) data: EvaluationDataDto;
  @ApiProperty({ type: [SeedRunDto], description: 'Every evaluation run (seed, seed + 1, …)' }) seeds: SeedRunDto[];
  @ApiProperty({ type: FigureSpreadsDto }) spread: FigureSpreadsDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(SourceMetricsDto) },
    description: 'Per source (several sources only): first run\u2019s figures, the runs\u2019 spread',
  })
  perSource?: Record<string, SourceMetricsDto>;
}

export class SharedClassesDto {
  @ApiProperty({ type: [String] }) classes: string[];
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty() accuracy: number;
  @ApiProperty() macroF1: number;
}

export class TransferRunDto {
  @ApiProperty({ example: 'original' }) trainedOn: string;
  @ApiProperty({ example: 'corrected' }) scoredOn: string;
  @ApiProperty({ type: 'integer' }) rows: number;
  @ApiProperty({ description: 'Over all rows scored; classes the model never saw count as errors' }) accuracy: number;
  @ApiProperty() macroF1: number;
  @ApiProperty({ type: SharedClassesDto, description: 'Over the rows of the classes both sources have' })
  sharedClasses: SharedClassesDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) perClassRecall: Record<string, number>;
  @ApiProperty({ type: 'integer' }) epochsTrained: number;
  @ApiPropertyOptional({ type: [String], description: 'Features left out of this run\u2019s model input' })
  excludedFeatures?: string[];
}

export class TransferDto {
  @ApiProperty() protocol: string;
  @ApiProperty({ type: [TransferRunDto], description: 'Empty with a single source' }) runs: TransferRunDto[];
}

export class ModelMetricsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.986, description: `First run; ${NO_RUN}` })
  accuracy?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.882, description: NO_RUN }) macroF1?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: NO_RUN }) weightedF1?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: `Web attacks as one class; ${NO_RUN}` })
  macroF1WebMerged?: number | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ClassScoresDto) },
    description: 'Scores per class (first run)',
  })
  perClass?: Record<string, ClassScoresDto>;
  @ApiPropertyOptional({ type: ConfusionMatrixDto, description: 'First run' }) confusionMatrix?: ConfusionMatrixDto;
  @ApiPropertyOptional({ type: EvaluationDto }) evaluation?: EvaluationDto;
  @ApiPropertyOptional({ type: TransferDto, description: 'Fitted on one source, scored on another' })
  transfer?: TransferDto;
}

/** Schemas only referenced from maps (`additionalProperties`): registered with @ApiExtraModels. */
export const MODEL_METRICS_MAP_MODELS = [ClassScoresDto, HeadlineFiguresDto, SourceMetricsDto];
