import { BullModule } from '@nestjs/bull';
import { QUEUES } from '../infra/queues/queues';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { SuppressionsModule } from '../alerts/suppressions/suppressions.module';
import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { StatsModule } from '../stats/stats.module';
import { ExternalVerdictService } from './external/external-verdict.service';
import { InferenceProcessController } from './external/inference-process.controller';
import { FlowImportController } from './import/flow-import.controller';
import { FlowImportService } from './import/flow-import.service';
import { FlowEntity } from './flow.entity';
import { FlowsIngestController } from './flows.controller';
import { FlowsReadController } from './flows-read.controller';
import { FlowsRepository } from './flows.repository';
import { FlowBatchPipe } from './ingest/flow-body.pipe';
import { IdempotentIngest, IngestRequestsRepository } from './ingest/idempotency';
import { IngestMetrics, ingestMetricProviders } from './ingest/ingest-metrics';
import { IngestWriter } from './ingest/ingest-writer.service';
import { IngestService } from './ingest/ingest.service';
import { EveBodyPipe } from './eve/eve-body.pipe';
import { EveIngestController } from './eve/eve.controller';
import { EveIngestService } from './eve/eve-ingest.service';
import { NdjsonBodyParser } from './eve/ndjson-body';
import { StreamInfoService } from './stream/stream-info.service';
import { StreamsController } from './stream/streams.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([FlowEntity]),
    BullModule.registerQueue({ name: QUEUES.FLOW_IMPORT }),
    AlertsModule,
    SuppressionsModule,
    StatsModule,
    InferenceModule,
  ],
  controllers: [FlowImportController, FlowsIngestController, FlowsReadController, InferenceProcessController, StreamsController, EveIngestController],
  providers: [FlowsRepository, IngestWriter, IngestService, FlowBatchPipe, ExternalVerdictService, FlowImportService, StreamInfoService,
    EveBodyPipe, EveIngestService, NdjsonBodyParser, IngestRequestsRepository, IdempotentIngest, IngestMetrics, ...ingestMetricProviders],
  exports: [IngestService, FlowsRepository, IngestRequestsRepository],
})
export class FlowsModule {}
