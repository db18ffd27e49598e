import { Module } from '@nestjs/common';
import { FlowPartitionsService } from './flow-partitions.service';
import { FlowsModule } from './flows.module';
import { FlowImportProcessor } from './import/flow-import.processor';
import { StreamBatchService } from './stream/stream-batch.service';
import { StreamConsumerService } from './stream/stream-consumer.service';
import { StreamLedgerRepository } from './stream/stream-ledger.repository';
import { StreamMetrics, streamMetricProviders } from './stream/stream-metrics';

/**
 * The background work of the flows feature (the `worker` and `all` roles): CSV import jobs, the Redis Streams
 * consumer and the daily partition maintenance.
 */
@Module({
  imports: [FlowsModule],
  providers: [
    FlowImportProcessor,
    FlowPartitionsService,
    ...streamMetricProviders,
    StreamMetrics,
    StreamLedgerRepository,
    StreamBatchService,
    StreamConsumerService,
  ],
})
export class FlowsWorkerModule {}
