import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '../health/readiness.registry';

/**
 * Where this process stands in its life: `serving`, then on SIGTERM/SIGINT `draining` (still serving, but
 * /health/ready answers 503 so load balancers stop routing here), then `closing` (the listener is closed and
 * requests still arriving on open connections get 503).
 */
export type LifecyclePhase = 'serving' | 'draining' | 'closing';

@Injectable()
export class ShutdownState implements OnModuleInit {
  private current: LifecyclePhase = 'serving';
  private since: Date | null = null;

  constructor(private readonly readiness: ReadinessRegistry) {}

  onModuleInit(): void {
    this.readiness.register('lifecycle', async () => {
      if (this.current !== 'serving') throw new Error(`shutting down (${this.current} since ${this.since!.toISOString()})`);
      return { phase: this.current };
    });
  }

  get phase(): LifecyclePhase {
    return this.current;
  }

  /** Readiness turns to 503; requests are still served. */
  beginDrain(): void {
    if (this.current !== 'serving') return;
    this.current = 'draining';
    this.since = new Date();
  }

  /** The listener is closing: new requests on connections that are still open are refused. */
  beginClosing(): void {
    this.beginDrain();
    this.current = 'closing';
  }
}
