import { Module } from '@nestjs/common';
import { NetworkModule } from '../network.module';
import { FeedsModule } from './feeds.module';
import { FeedsWorker } from './feeds-worker.service';

/** Scheduled refreshes and the feed firewall sets (the `worker` and `all` roles). */
@Module({
  imports: [FeedsModule, NetworkModule],
  providers: [FeedsWorker],
})
export class FeedsWorkerModule {}
