import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/** The Redis adapter every process of a deployment shares (same Redis server and key prefix), and its connections. */
export function createRedisAdapter(redisUrl: string, keyPrefix: string): { adapter: ReturnType<typeof createAdapter>; close(): Promise<void> } {
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', () => undefined);
  return {
    adapter: createAdapter(pub, sub, { key: `${keyPrefix}:socket.io` }),
    close: async () => void (await Promise.allSettled([pub.quit(), sub.quit()])),
  };
}

/**
 * Socket.IO with the Redis adapter: an event emitted on one API instance (or a worker, through its relay)
 * reaches the clients connected to every other instance sharing the Redis server and key prefix.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly redis: ReturnType<typeof createRedisAdapter>;

  constructor(app: INestApplicationContext, redisUrl: string, keyPrefix: string) {
    super(app);
    this.redis = createRedisAdapter(redisUrl, keyPrefix);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, { ...options, path: '/socket.io' });
    server.adapter(this.redis.adapter);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await this.redis.close();
  }
}
