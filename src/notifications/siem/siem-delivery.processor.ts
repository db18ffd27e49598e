import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { QUEUES, SiemDeliveryJob } from '../../infra/queues/queues';
import { sealDigestInto } from '../alert-digest.store';
import { SiemDeliveryService } from './siem-delivery.service';
import { SiemDigestStore } from './siem-digest.store';
import { SIEM_DELIVERY_JOB } from './siem-dispatcher.service';

/**
 * Runs SIEM delivery attempts; a failed attempt throws so Bull retries it with exponential backoff. Safe to run
 * twice: a receiver that sees a delivery again recognises it by `event.id`.
 */
@Processor(QUEUES.SIEM)
export class SiemDeliveryProcessor {
  private readonly logger = new Logger(SiemDeliveryProcessor.name);

  constructor(
    private readonly deliveries: SiemDeliveryService,
    private readonly digests: SiemDigestStore,
  ) {}

  @Process({ name: SIEM_DELIVERY_JOB, concurrency: 4 })
  async deliver(job: Job<SiemDeliveryJob>): Promise<void> {
    const unsealed = job.data.digest && job.data.data === null;
    if (unsealed && !(await sealDigestInto(this.digests, job.data.destination, job))) return;
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const { deliveryId, event, destination } = job.data;
    const started = Date.now();
    const outcome = await this.deliveries.attempt(job.data, attempt >= maxAttempts);
    const summary =
      outcome.kind === 'failed' ? `failed (${outcome.error})${outcome.retry ? ', will retry' : ''}` : outcome.kind;
    this.logger.log(
      `SIEM delivery ${deliveryId} (${event} → ${destination}) attempt ${attempt}/${maxAttempts}: ` +
        `${summary} in ${Date.now() - started} ms`,
    );
    if (outcome.kind === 'failed') throw new Error(outcome.error);
  }
}
