import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RATE_LIMIT_SCOPES, RateLimitScope, RateLimitTarget } from './rate-limit.policy';

export const RATE_LIMIT_REJECTIONS_METRIC = 'ids_rate_limit_rejections_total';

export const rateLimitMetricProviders = [
  makeCounterProvider({
    name: RATE_LIMIT_REJECTIONS_METRIC,
    help: 'Requests refused with 429 by the per-principal rate limits, by budget (ingest, api, anonymous)',
    labelNames: ['scope'],
  }),
];

/** The outcome of counting one request: what the RateLimit-* headers and a 429 report. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
}

/**
 * Fixed-window request counters in Redis (rate-limiter-flexible), one budget per scope, so every API instance
 * counts against the same limits. When Redis does not answer, an in-memory limiter of the same size stands in:
 * the limits then hold per instance rather than not at all.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<RateLimitScope, RateLimiterRedis>();
  private readonly windowSeconds: number;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    config: ConfigService<AppConfig, true>,
    @InjectMetric(RATE_LIMIT_REJECTIONS_METRIC) private readonly rejections: Counter<string>,
  ) {
    const { windowSeconds, ...limits } = config.get('rateLimit', { infer: true });
    const prefix = `${config.get('redis.keyPrefix', { infer: true })}:rate-limit`;
    this.windowSeconds = windowSeconds;
    for (const scope of RATE_LIMIT_SCOPES) {
      this.rejections.inc({ scope }, 0);
      const points = limits[scope];
      if (points <= 0) continue;
      this.limiters.set(
        scope,
        new RateLimiterRedis({
          storeClient: redis,
          useRedisPackage: false,
          keyPrefix: `${prefix}:${scope}`,
          points,
          duration: windowSeconds,
          insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
        }),
      );
    }
  }

  /** Counts one request against its budget; null when that budget has no limit. */
  async consume(target: RateLimitTarget): Promise<RateLimitDecision | null> {
    const limiter = this.limiters.get(target.scope);
    if (!limiter) return null;
    try {
      return this.decision(true, limiter.points, await limiter.consume(target.subject));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      this.rejections.inc({ scope: target.scope });
      return this.decision(false, limiter.points, e);
    }
  }

  private decision(allowed: boolean, limit: number, res: RateLimiterRes): RateLimitDecision {
    return {
      allowed,
      limit,
      remaining: Math.max(0, res.remainingPoints),
      windowSeconds: this.windowSeconds,
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }
}
