import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { rateLimitMetricProviders, RateLimitService } from './rate-limit.service';

/** Per-principal request rate limits on the API, counted in Redis (RATE_LIMIT_* variables). */
@Module({
  providers: [...rateLimitMetricProviders, RateLimitService, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
})
export class RateLimitModule {}
