import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from './redis.constants';
import { FAIL_FAST_REDIS_OPTIONS, logConnectionState } from './redis-options';

/** One shared ioredis connection for caching, rate limits and health; Bull and Socket.IO open their own. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        // no offline queue: while Redis is unreachable a command fails at once (caches and rate limits fall back,
        // readiness reports it) rather than waiting for the reconnection
        const client = new Redis(config.get('redis.url', { infer: true }), { ...FAIL_FAST_REDIS_OPTIONS, enableOfflineQueue: false });
        logConnectionState(client, new Logger('Redis'), 'shared connection');
        return client;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
