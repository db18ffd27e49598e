import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';
import { RATE_LIMIT_REJECTIONS_METRIC, RateLimitService } from './rate-limit.service';

describe('RateLimitService when Redis does not answer', () => {
  // nothing listens on port 1: every command fails at once (no offline queue), as during a Redis outage
  const redis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  afterAll(() => redis.disconnect());

  it('keeps limiting, per instance, with the in-memory limiter of the same size', async () => {
    const config = new ConfigService({ rateLimit: { windowSeconds: 60, ingest: 3, api: 0, anonymous: 5 }, redis: { keyPrefix: 'unit' } });
    const rejections = new Counter({ name: RATE_LIMIT_REJECTIONS_METRIC, help: 'test', labelNames: ['scope'], registers: [new Registry()] });
    const limits = new RateLimitService(redis, config as never, rejections);
    const target = { scope: 'ingest' as const, subject: 'api_key:k1' };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limits.consume(target));
    expect(decisions.map((d) => d?.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d?.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ limit: 3, windowSeconds: 60 });
    expect(decisions[3]!.resetSeconds).toBeGreaterThan(0);
    expect((await rejections.get()).values).toEqual(expect.arrayContaining([{ labels: { scope: 'ingest' }, value: 1 }]));
    // a budget of 0 is no limit at all
    expect(await limits.consume({ scope: 'api', subject: 'user:u1' })).toBeNull();
  });
});
