import { Module } from '@nestjs/common';
import { NetworkProcessor } from './network.processor';
import { NetworkModule } from './network.module';
import { NetworkReconciler } from './network-reconciler.service';

/** The background work of network response (the `worker` and `all` roles): firewall jobs and the reconciler. */
@Module({
  imports: [NetworkModule],
  providers: [NetworkProcessor, NetworkReconciler],
})
export class NetworkWorkerModule {}
