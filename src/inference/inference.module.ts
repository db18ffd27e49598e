import { BullModule } from '@nestjs/bull';
import { forwardRef, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { FlowsModule } from '../flows/flows.module';
import { FlowClassifier } from '../flows/ingest/verdict';
import { QUEUES } from '../infra/queues/queues';
import { inferenceMetricProviders } from './inference.metrics';
import { ModelClassifier } from './model-classifier';
import { ModelRegistryController } from './registry/model-registry.controller';
import { ModelRegistryService } from './registry/model-registry.service';
import { ModelVersionEntity } from './registry/model-version.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([ModelVersionEntity]),
    BullModule.registerQueue({ name: QUEUES.TRAINING }),
    AlertsModule,
    forwardRef(() => FlowsModule),
  ],
  controllers: [ModelRegistryController],
  providers: [
    ...inferenceMetricProviders,
    ModelClassifier,
    { provide: FlowClassifier, useExisting: ModelClassifier },
    ModelRegistryService,
  ],
  exports: [FlowClassifier, ModelClassifier, ModelRegistryService],
})
export class InferenceModule {}
