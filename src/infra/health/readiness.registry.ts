import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';

/** A readiness probe: resolves when the component is ready, rejects (with the reason) when it is not. */
export type ReadinessProbe = () => Promise<Record<string, unknown> | void>;

/**
 * What `/health/ready` (and the `ids_readiness_status` metric) checks: the database and Redis, registered here
 * with HEALTH_DB_TIMEOUT_MS, and what modules register (the model, the queues, the stream consumer). Probes run
 * in parallel, each with the timeout given at registration.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, { probe: ReadinessProbe; timeoutMs: number }>();

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(REDIS_CLIENT) redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    const timeout = config.get('database.healthTimeoutMs', { infer: true });
    this.register('database', async () => void (await db.query('SELECT 1')), timeout);
    this.register('redis', async () => void (await redis.ping()), timeout);
  }

  register(name: string, probe: ReadinessProbe, timeoutMs = 2000): void {
    this.probes.set(name, { probe, timeoutMs });
  }

  entries(): [string, { probe: ReadinessProbe; timeoutMs: number }][] {
    return [...this.probes.entries()];
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
