import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EventLogService } from './event-log.service';
import { EventsController } from './events.controller';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { RealtimeGateway } from './realtime.gateway';
import { SocketAuthenticator } from './socket-authenticator';

@Module({
  imports: [UsersModule],
  controllers: [EventsController],
  providers: [RealtimeGateway, SocketAuthenticator, EventLogService, RealtimeBroadcaster],
  exports: [RealtimeBroadcaster, RealtimeGateway, SocketAuthenticator],
})
export class RealtimeModule {}
