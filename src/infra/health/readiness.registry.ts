import { Injectable } from '@nestjs/common';

/** A readiness probe: resolves when the component is ready, rejects (with the reason) when it is not. */
export type ReadinessProbe = () => Promise<Record<string, unknown> | void>;

/**
 * Where modules register what `/health/ready` must check beyond the database and Redis (the model, the queues,
 * the stream consumer). Probes run in parallel, each with the timeout given at registration.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, { probe: ReadinessProbe; timeoutMs: number }>();

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
