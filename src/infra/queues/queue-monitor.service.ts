import { getQueueToken } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Queue } from 'bull';
import { isDependencyUnavailable } from '../../core/dependency-unavailable';
import { ReadinessRegistry } from '../health/readiness.registry';
import { QUEUE_EVENTS, QueueReconnectedEvent, QUEUES } from './queues';

const CONNECTING_GRACE_MS = 1000;
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Watches the Bull queues of this process. Bull re-emits every error of its Redis connections on the queue (it
 * only keeps the process alive with a no-op listener): an outage is logged once per queue when it starts and once
 * when the connection is back, when {@link QUEUE_EVENTS.RECONNECTED} is emitted; any other queue error is logged
 * every time. The `queues` readiness probe fails while a connection of a queue is not ready, so a queue whose
 * connection does not come back after an outage shows up.
 */
@Injectable()
export class QueueMonitor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queues');
  private readonly queues = new Map<string, Queue>();
  private readonly disconnected = new Set<string>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly readiness: ReadinessRegistry,
    private readonly events: EventEmitter2,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of Object.values(QUEUES)) {
      const queue = this.find(name);
      if (!queue) continue;
      this.queues.set(name, queue);
      queue.on('error', (error: Error) => this.onError(name, error));
      queue.client.on('ready', () => this.onReady(name));
    }
    if (this.queues.size) this.readiness.register('queues', async () => this.probe());
  }

  private find(name: string): Queue | null {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return null; // not registered in this process
    }
  }

  private onError(name: string, error: Error): void {
    if (!isDependencyUnavailable(error)) {
      this.logger.error({ err: error }, `queue ${name}: ${error.message}`);
      return;
    }
    if (this.disconnected.has(name)) return;
    this.disconnected.add(name);
    this.logger.warn(`queue ${name}: Redis unavailable (${error.message}); jobs cannot be added or processed until it returns`);
  }

  private onReady(name: string): void {
    if (!this.disconnected.delete(name)) return;
    this.logger.log(`queue ${name}: Redis connection restored`);
    this.events.emit(QUEUE_EVENTS.RECONNECTED, { queue: name } satisfies QueueReconnectedEvent);
  }

  /** Connections still connecting (at start-up, say) get a moment; one that lost its server fails the probe at once. */
  private async probe(): Promise<Record<string, unknown>> {
    const deadline = Date.now() + CONNECTING_GRACE_MS;
    let down = this.notReady();
    while (down.length && down.every((c) => CONNECTING.has(c.status)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      down = this.notReady();
    }
    if (down.length) throw new Error(`queue connections not ready: ${down.map((c) => `${c.queue} (${c.status})`).join(', ')}`);
    return { queues: [...this.queues.keys()] };
  }

  private notReady(): { queue: string; status: string }[] {
    return [...this.queues].flatMap(([queue, q]) => q.clients.filter((c) => c.status !== 'ready').map((c) => ({ queue, status: c.status })));
  }
}
