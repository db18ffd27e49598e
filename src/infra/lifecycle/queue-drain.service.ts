import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { registeredQueues } from './registered-queues';

/**
 * On shutdown, stops this process taking new jobs and waits for its active ones to finish while the database and
 * Redis connections are still open. Bull would wait for them only when it closes its queues, in
 * `onApplicationShutdown`, which Nest calls on the global modules (the database pool and Redis among them) first.
 * Long jobs stop early by themselves when the application is destroyed (a CSV import between two batches, a
 * training run) and go back to their queue.
 */
@Injectable()
export class QueueDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueDrain.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  async beforeApplicationShutdown(): Promise<void> {
    const started = Date.now();
    const queues = registeredQueues(this.moduleRef);
    await Promise.all(
      queues.map((queue) =>
        queue.pause(true).catch((e) => this.logger.warn(`queue ${queue.name} not drained: ${(e as Error).message}`)),
      ),
    );
    this.logger.log(`queues drained in ${Date.now() - started} ms: no job of this process is active`);
  }
}
