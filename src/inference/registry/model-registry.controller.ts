import { InjectQueue } from '@nestjs/bull';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { DomainError } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { IngestService } from '../../flows/ingest/ingest.service';
import { QUEUES, TrainingJob } from '../../infra/queues/queues';
import { ModelClassifier } from '../model-classifier';
import { ModelRegistryService } from './model-registry.service';
import { ModelStatusDto, ModelVersionDto, RetrainAcceptedDto, RetrainDto, toModelVersionDto } from './model-version.dto';
import { ModelVersionPipe } from './model-version.pipe';

@ApiTags('inference')
@Controller('inference')
export class ModelRegistryController {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly classifier: ModelClassifier,
    private readonly ingest: IngestService,
    @InjectQueue(QUEUES.TRAINING) private readonly training: Queue<TrainingJob>,
  ) {}

  @Get('model-status')
  @RequirePermission(Permission.VIEW_STATS)
  @ApiOperation({ summary: 'The model in use: version, tfjs backend, classes, shadow, queue' })
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
      queued_flows: this.ingest.queuedFlows,
      error: info ? null : this.registry.error,
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
    if (dto.data_path !== undefined && !existsSync(resolve(dto.data_path))) {
      throw DomainError.validation([{ field: 'data_path', reason: 'does not exist on the server' }]);
    }
    const includeFeedback = dto.include_feedback ?? true;
    if (dto.data_path === undefined && (!includeFeedback || (await this.registry.feedbackExamples()) === 0)) {
      throw DomainError.validation([{ field: 'data_path', reason: 'is required: there is no feedback to train on alone' }]);
    }
    const job = await this.training.add(
      { dataPath: dto.data_path ?? null, includeFeedback, epochs: dto.epochs ?? 60, seed: dto.seed ?? 42, requestedBy: actor.principal?.id ?? null },
      { attempts: 1, removeOnComplete: 50, removeOnFail: 50 },
    );
    return { job_id: String(job.id), state: await job.getState() };
  }
}
