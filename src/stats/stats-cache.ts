import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../infra/redis/redis.constants';

/**
 * A short-lived Redis cache for statistics answers, keyed by the normalised query (the period already aligned,
 * so every caller asking within the same buckets shares an entry). Redis trouble never fails a request: the
 * answer is then computed from the database.
 */
@Injectable()
export class StatsCache {
  private readonly logger = new Logger(StatsCache.name);
  private readonly ttlSeconds: number;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlSeconds = config.get('stats.cacheTtlSeconds', { infer: true });
    this.prefix = `${config.get('redis.keyPrefix', { infer: true })}:stats:v1:`;
  }

  async remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlSeconds === 0) return compute();
    const cacheKey = this.prefix + key;
    try {
      const hit = await this.redis.get(cacheKey);
      if (hit !== null) return JSON.parse(hit) as T;
    } catch (e) {
      this.logger.warn(`stats cache read failed: ${(e as Error).message}`);
      return compute();
    }
    const value = await compute();
    try {
      await this.redis.set(cacheKey, JSON.stringify(value), 'EX', this.ttlSeconds);
    } catch (e) {
      this.logger.warn(`stats cache write failed: ${(e as Error).message}`);
    }
    return value;
  }
}
