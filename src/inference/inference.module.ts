import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { FlowClassifier, VerdictObserver } from './verdict';
import { QUEUES } from '../infra/queues/queues';
import { driftMetricProviders } from './drift/model-drift.metrics';
import { ModelDriftMonitor } from './drift/model-drift.monitor';
import { InferenceQueue } from './inference-queue';
import { inferenceMetricProviders } from './inference.metrics';
import { ModelClassifier } from './model-classifier';
import { ModelRegistryController } from './registry/model-registry.controller';
import { ModelRegistryService } from './registry/model-registry.service';
import { ModelVersionEntity } from './registry/model-version.entity';
import { TrainingService } from './training/training.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ModelVersionEntity]),
    BullModule.registerQueue({ name: QUEUES.TRAINING }),
    AlertsModule,
  ],
  controllers: [ModelRegistryController],
  providers: [
    ...inferenceMetricProviders,
    InferenceQueue,
    ModelClassifier,
    { provide: FlowClassifier, useExisting: ModelClassifier },
    ModelRegistryService,
    TrainingService,
    ModelDriftMonitor,
    { provide: VerdictObserver, useExisting: ModelDriftMonitor },
    ...driftMetricProviders,
  ],
  exports: [FlowClassifier, VerdictObserver, ModelClassifier, ModelRegistryService, InferenceQueue],
})
export class InferenceModule {}
