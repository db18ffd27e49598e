import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../core/domain-error';
import { REDIS_CLIENT } from '../infra/redis/redis.constants';

/**
 * Counts failed logins per (account, IP), per IP and per account in Redis, each over a sliding window. Past a
 * limit the next attempt gets 429 with Retry-After until the window moves on: a lockout is always temporary,
 * and the per-(account, IP) limit, the lowest, does not stop the real user logging in from another address.
 * A memory limiter stands in when Redis does not answer.
 */
@Injectable()
export class LoginThrottleService {
  private readonly limiters: { name: string; limiter: RateLimiterRedis; key: (login: string, ip: string) => string }[];

  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: ConfigService<AppConfig, true>) {
    const { login } = config.get('auth', { infer: true });
    const prefix = `${config.get('redis.keyPrefix', { infer: true })}:login-fail`;
    const make = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:${name}`,
        points,
        duration: login.windowSeconds,
        useRedisPackage: false,
        insuranceLimiter: new RateLimiterMemory({ points, duration: login.windowSeconds }),
      });
    this.limiters = [
      { name: 'account-ip', limiter: make('account-ip', login.maxPerAccountIp), key: (l, ip) => `${l}|${ip}` },
      { name: 'ip', limiter: make('ip', login.maxPerIp), key: (_l, ip) => ip },
      { name: 'account', limiter: make('account', login.maxPerAccount), key: (l) => l },
    ];
  }

  /** Throws RATE_LIMITED when any limit is already used up for this login and address. */
  async assertAllowed(login: string, ip: string): Promise<void> {
    const normalised = login.toLowerCase();
    for (const { limiter, key } of this.limiters) {
      const res = await limiter.get(key(normalised, ip));
      if (res && res.remainingPoints <= 0) {
        throw new DomainError(ErrorCode.RATE_LIMITED, 'Too many failed logins; try again later', {
          retryAfter: Math.ceil(res.msBeforeNext / 1000),
        });
      }
    }
  }

  async recordFailure(login: string, ip: string): Promise<void> {
    const normalised = login.toLowerCase();
    await Promise.all(
      this.limiters.map(({ limiter, key }) =>
        limiter.consume(key(normalised, ip)).catch((e) => {
          if (!(e instanceof RateLimiterRes)) throw e;
        }),
      ),
    );
  }

  async recordSuccess(login: string, ip: string): Promise<void> {
    await this.limiters[0].limiter.delete(`${login.toLowerCase()}|${ip}`);
  }
}
