import { Module } from '@nestjs/common';
import { AlertFoldBatcher } from './alert-fold.batcher';
import { AlertStormBatcher } from './alert-storm.batcher';
import { EventLogService } from './event-log.service';
import { EventsController } from './events.controller';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { RealtimeEventsListener } from './realtime-events.listener';
import { RealtimeGateway } from './realtime.gateway';
import { SocketAuthenticator } from './socket-authenticator';

@Module({
  controllers: [EventsController],
  // the batchers flush on shutdown before the broadcaster stops
  providers: [
    RealtimeGateway,
    SocketAuthenticator,
    EventLogService,
    RealtimeEventsListener,
    AlertStormBatcher,
    AlertFoldBatcher,
    RealtimeBroadcaster,
  ],
  exports: [RealtimeBroadcaster, RealtimeGateway, SocketAuthenticator],
})
export class RealtimeModule {}
