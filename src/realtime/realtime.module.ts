import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { UsersModule } from '../users/users.module';
import { EventLogService } from './event-log.service';
import { EventsController } from './events.controller';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { RealtimeGateway } from './realtime.gateway';
import { SocketAuthenticator } from './socket-authenticator';
import { SystemStatusService } from './system-status.service';

@Module({
  imports: [UsersModule, InferenceModule],
  controllers: [EventsController],
  providers: [RealtimeGateway, SocketAuthenticator, EventLogService, RealtimeBroadcaster, SystemStatusService],
  exports: [RealtimeBroadcaster],
})
export class RealtimeModule {}
