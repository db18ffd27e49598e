import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';

/** Another instance holds the firewall lock for longer than the caller wanted to wait. */
export class FirewallLockBusyError extends Error {
  constructor() {
    super('Another instance is changing the firewall');
    this.name = 'FirewallLockBusyError';
  }
}

const LOCK_TTL_MS = 60_000;
const POLL_MS = 100;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Serialises every change of one firewall: in this process (a promise chain) and across instances (a Redis
 * key set with NX and a TTL, released only by its holder). When Redis does not answer, the process lock alone
 * is used, so expiries and repairs still happen with Redis down.
 */
@Injectable()
export class FirewallLock {
  private readonly logger = new Logger(FirewallLock.name);
  private readonly key: string;
  private tail: Promise<unknown> = Promise.resolve();
  private redisDownLogged = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    const { setPrefix, netns } = config.get('network.firewall', { infer: true });
    this.key = `${config.get('redis.keyPrefix', { infer: true })}:network:firewall-lock:${netns ?? 'host'}:${setPrefix}`;
  }

  /** Runs `fn` holding the lock; waits at most `waitMs` for another instance, then throws FirewallLockBusyError. */
  run<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
    const result = this.tail.then(() => this.withRedisLock(fn, waitMs));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async withRedisLock<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
    const token = await this.acquire(waitMs);
    try {
      return await fn();
    } finally {
      if (token) await this.redis.eval(RELEASE, 1, this.key, token).catch(() => undefined);
    }
  }

  /** The token of the Redis lock taken, or null when Redis is unavailable (process lock only). */
  private async acquire(waitMs: number): Promise<string | null> {
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        if ((await this.redis.set(this.key, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') {
          this.redisDownLogged = false;
          return token;
        }
      } catch (error) {
        if (!this.redisDownLogged) this.logger.warn(`Redis unavailable, firewall changes serialised in this process only: ${(error as Error).message}`);
        this.redisDownLogged = true;
        return null;
      }
      if (Date.now() >= deadline) throw new FirewallLockBusyError();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
