import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { QUEUES, WebhookDeliveryJob } from '../infra/queues/queues';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { sealDigestInto } from './alert-digest.store';
import { WebhookDigestStore } from './webhook-digest.store';
import { WEBHOOK_DELIVERY_JOB } from './webhook-dispatcher.service';

/**
 * Runs delivery attempts. A failed attempt throws so Bull retries it with exponential backoff; a failure no
 * retry can fix discards the job. Safe to run twice: a receiver recognises a repeated delivery by X-IDS-Delivery.
 */
@Processor(QUEUES.WEBHOOKS)
export class WebhookDeliveryProcessor {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly deliveries: WebhookDeliveryService,
    private readonly digests: WebhookDigestStore,
  ) {}

  @Process({ name: WEBHOOK_DELIVERY_JOB, concurrency: 8 })
  async deliver(job: Job<WebhookDeliveryJob>): Promise<void> {
    if (job.data.digest && job.data.data === null && !(await sealDigestInto(this.digests, job.data.webhookId, job))) return;
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const { deliveryId, event, webhookId } = job.data;
    const started = Date.now();
    this.logger.debug(`delivery ${deliveryId} (${event} → webhook ${webhookId}) attempt ${attempt}/${maxAttempts} started`);
    const outcome = await this.deliveries.attempt(job.data, attempt, attempt >= maxAttempts);
    const summary = outcome.kind === 'failed' ? `failed (${outcome.error})${outcome.retry ? ', will retry' : ''}` : outcome.kind;
    this.logger.log(`delivery ${deliveryId} (${event}) attempt ${attempt}/${maxAttempts}: ${summary} in ${Date.now() - started} ms`);
    if (outcome.kind === 'failed') {
      if (!outcome.retry) await job.discard();
      throw new Error(outcome.error);
    }
  }
}
