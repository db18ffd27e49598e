import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { Permission } from '../../core/permissions';
import { toModelDriftDto } from '../drift/model-drift.dto';
import { ModelDriftMonitor } from '../drift/model-drift.monitor';
import { InferenceQueue } from '../inference-queue';
import { ModelClassifier } from '../model-classifier';
import { MODEL_DATA_SUMMARY_MODELS } from './model-data-summary.dto';
import { MODEL_METRICS_MAP_MODELS } from './model-metrics.dto';
import { ModelRegistryService } from './model-registry.service';
import { ModelStatusDto, ModelVersionDto, RetrainAcceptedDto, RetrainDto, toModelVersionDto } from './model-version.dto';
import { ModelVersionPipe } from './model-version.pipe';
import { TrainingService } from '../training/training.service';

@ApiTags('inference')
@ApiExtraModels(...MODEL_METRICS_MAP_MODELS, ...MODEL_DATA_SUMMARY_MODELS)
@Controller('inference')
export class ModelRegistryController {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly classifier: ModelClassifier,
    private readonly queue: InferenceQueue,
    private readonly trainingService: TrainingService,
    private readonly drift: ModelDriftMonitor,
  ) {}

  @Get('model-status')
  @RequirePermission(Permission.VIEW_STATS)
  @ApiOperation({
    summary: 'The model in use: version, tfjs backend, classes, shadow, queue, and its drift alarm',
    description: 'The drift windows are those of the process that answers (each process judges the flows it classified).',
  })
  @ApiOkResponse({ type: ModelStatusDto })
  status(): ModelStatusDto {
    const info = this.classifier.info();
    return {
      loaded: info !== null,
      version: info?.version ?? null,
      backend: info?.backend ?? null,
      labels: info?.labels ?? [],
      loaded_at: info ? info.loadedAt.toISOString() : null,
      shadow_version: this.classifier.shadowVersion,
      queued_flows: this.queue.queuedFlows,
      error: info ? null : this.registry.error,
      drift: toModelDriftDto(this.drift.snapshot(), this.drift.settings, info?.domain ?? null),
    };
  }

  @Get('models')
  @RequirePermission(Permission.VIEW_STATS)
  @ApiOperation({ summary: 'Registered model versions, newest first' })
  @ApiOkResponse({ type: [ModelVersionDto] })
  async list(): Promise<ModelVersionDto[]> {
    return (await this.registry.list()).map(toModelVersionDto);
  }

  @Post('models/:version/activate')
  @HttpCode(200)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Make a version the active model (loaded first; in-flight requests finish on the previous one)' })
  @ApiOkResponse({ type: ModelVersionDto })
  @ApiNotFound('Model version')
  @ApiValidationErrors()
  async activate(@Actor() actor: ActorContext, @Param('version', ModelVersionPipe) version: string): Promise<ModelVersionDto> {
    return toModelVersionDto(await this.registry.activate(actor, version));
  }

  @Post('models/:version/shadow')
  @HttpCode(200)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Score every flow with this version too, without raising alerts (agreement in /metrics)' })
  @ApiOkResponse({ type: ModelStatusDto })
  @ApiNotFound('Model version')
  @ApiConflict('The version is the active one')
  @ApiValidationErrors()
  async shadow(@Actor() actor: ActorContext, @Param('version', ModelVersionPipe) version: string): Promise<ModelStatusDto> {
    await this.registry.setShadow(actor, version);
    return this.status();
  }

  @Delete('shadow')
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Stop the shadow model' })
  @ApiOkResponse({ type: ModelStatusDto })
  async removeShadow(@Actor() actor: ActorContext): Promise<ModelStatusDto> {
    await this.registry.setShadow(actor, null);
    return this.status();
  }

  @Post('retrain')
  @HttpCode(202)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({
    summary: 'Train a new version in the background',
    description: 'Progress is sent as `model_training_progress` realtime events; the result is registered, not activated.',
  })
  @ApiAcceptedResponse({ type: RetrainAcceptedDto })
  @ApiValidationErrors()
  async retrain(@Actor() actor: ActorContext, @Body() dto: RetrainDto): Promise<RetrainAcceptedDto> {
    return this.trainingService.retrain(actor, dto);
  }
}
