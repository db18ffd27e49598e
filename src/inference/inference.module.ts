import { Module } from '@nestjs/common';
import { FlowClassifier } from '../flows/ingest/verdict';
import { ModelClassifier } from './model-classifier';

@Module({
  providers: [ModelClassifier, { provide: FlowClassifier, useExisting: ModelClassifier }],
  exports: [FlowClassifier, ModelClassifier],
})
export class InferenceModule {}
