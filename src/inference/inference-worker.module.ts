import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { InferenceModule } from './inference.module';
import { TrainingProcessor } from './training/training.processor';

/** The background work of the inference feature (the `worker` and `all` roles): retraining jobs. */
@Module({
  imports: [InferenceModule, AlertsModule],
  providers: [TrainingProcessor],
})
export class InferenceWorkerModule {}
