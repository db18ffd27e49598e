import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Server } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { RealtimeGateway } from './realtime.gateway';
import { createRedisAdapter } from './redis-io.adapter';

/**
 * The realtime output of a process that serves no Socket.IO clients (a worker): a Socket.IO server attached to
 * no HTTP server, with the Redis adapter, given to the gateway. What the gateway emits to a room is published to
 * Redis, and every API instance delivers it to its clients in that room (job progress, block expiry, alerts
 * raised by imports and the stream consumer).
 */
@Injectable()
export class RealtimeRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: ReturnType<typeof createRedisAdapter>;
  private readonly server: Server;

  constructor(
    private readonly gateway: RealtimeGateway,
    config: ConfigService<AppConfig, true>,
  ) {
    const redis = config.get('redis', { infer: true });
    this.redis = createRedisAdapter(redis.url, redis.keyPrefix);
    this.server = new Server();
    this.server.adapter(this.redis.adapter);
  }

  /** Before any bootstrap hook can emit: Nest sets `@WebSocketServer()` the same way when it serves clients. */
  onModuleInit(): void {
    this.gateway.server = this.server;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.of('/').adapter.close();
    await this.redis.close();
  }
}
