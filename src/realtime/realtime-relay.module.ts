import { Module } from '@nestjs/common';
import { RealtimeRelay } from './realtime-relay';
import { RealtimeModule } from './realtime.module';

/** Realtime events of a worker process, relayed through Redis to the API instances' clients. */
@Module({
  imports: [RealtimeModule],
  providers: [RealtimeRelay],
})
export class RealtimeRelayModule {}
