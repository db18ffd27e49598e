import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { StatsModule } from '../stats/stats.module';
import { RealtimeModule } from './realtime.module';
import { SystemStatusService } from './system-status.service';

/** `system_status` for the clients of a process that serves Socket.IO (the `api` and `all` roles). */
@Module({
  imports: [RealtimeModule, InferenceModule, StatsModule],
  providers: [SystemStatusService],
})
export class SystemStatusModule {}
