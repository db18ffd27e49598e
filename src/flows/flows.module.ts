import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { QUEUES } from '../infra/queues/queues';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { InferenceModule } from '../inference/inference.module';
import { ExternalVerdictService } from './external/external-verdict.service';
import { InferenceProcessController } from './external/inference-process.controller';
import { FlowPartitionsService } from './flow-partitions.service';
import { FlowImportController } from './import/flow-import.controller';
import { FlowImportProcessor } from './import/flow-import.processor';
import { FlowImportService } from './import/flow-import.service';
import { FlowEntity } from './flow.entity';
import { FlowsIngestController } from './flows.controller';
import { FlowsReadController } from './flows-read.controller';
import { FlowsRepository } from './flows.repository';
import { FlowBatchPipe } from './ingest/flow-body.pipe';
import { IngestWriter } from './ingest/ingest-writer.service';
import { IngestService } from './ingest/ingest.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([FlowEntity]),
    BullModule.registerQueue({ name: QUEUES.FLOW_IMPORT }),
    AlertsModule,
    InferenceModule,
  ],
  controllers: [FlowImportController, FlowsIngestController, FlowsReadController, InferenceProcessController],
  providers: [FlowsRepository, FlowPartitionsService, IngestWriter, IngestService, FlowBatchPipe, ExternalVerdictService, FlowImportService, FlowImportProcessor],
  exports: [IngestService, FlowsRepository],
})
export class FlowsModule {}
