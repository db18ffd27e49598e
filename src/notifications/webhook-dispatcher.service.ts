import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { JobOptions, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '../alerts/alert.entity';
import { riskRank } from '../alerts/risk-level';
import { AppConfig } from '../config/app-config';
import { QUEUES, WebhookDeliveryJob } from '../infra/queues/queues';
import { isAlertEvent, riskLevelOf, toJsonValue } from './webhook-events';
import { WebhookRoute, WebhooksRepository } from './webhooks.repository';

export const WEBHOOK_DELIVERY_JOB = 'deliver';

/** How long the routing table (active webhooks and their subscriptions) is reused before it is read again. */
const ROUTES_TTL_MS = 5_000;

/** Whether an event goes to a webhook: subscribed, and for alert events at or above its minimum risk level. */
export function wants(route: WebhookRoute, event: string, payload: unknown): boolean {
  if (!route.events.includes(event)) return false;
  if (!route.minRiskLevel || !isAlertEvent(event)) return true;
  const level = riskLevelOf(payload);
  return level !== null && riskRank(level as RiskLevel) >= riskRank(route.minRiskLevel);
}

/**
 * Turns domain events into delivery jobs: one Bull job per (webhook, event), retried with exponential backoff.
 * The routing table is cached briefly (this process drops it when a webhook is created or deleted; another
 * instance sees the change within ROUTES_TTL_MS); the processor re-reads the webhook before each attempt.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private routes: { at: number; list: Promise<WebhookRoute[]> } | null = null;

  constructor(
    private readonly webhooks: WebhooksRepository,
    @InjectQueue(QUEUES.WEBHOOKS) private readonly queue: Queue<WebhookDeliveryJob>,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Queues the event for every webhook that wants it; never throws (an event source must not fail). */
  async dispatch(event: string, payload: unknown): Promise<number> {
    try {
      const targets = (await this.activeRoutes()).filter((r) => wants(r, event, payload));
      if (!targets.length) return 0;
      const occurredAt = new Date().toISOString();
      const data = toJsonValue(payload);
      await this.queue.addBulk(
        targets.map((r) => {
          const job: WebhookDeliveryJob = { webhookId: r.id, deliveryId: randomUUID(), event, occurredAt, data };
          return { name: WEBHOOK_DELIVERY_JOB, data: job, opts: this.jobOptions(job.deliveryId) };
        }),
      );
      return targets.length;
    } catch (e) {
      this.logger.warn(`webhook deliveries for ${event} not queued: ${(e as Error).message}`);
      return 0;
    }
  }

  /** Queues one delivery to one webhook (the test ping) and returns its delivery id. */
  async enqueue(webhookId: string, event: string, data: unknown): Promise<string> {
    const job: WebhookDeliveryJob = { webhookId, deliveryId: randomUUID(), event, occurredAt: new Date().toISOString(), data };
    await this.queue.add(WEBHOOK_DELIVERY_JOB, job, this.jobOptions(job.deliveryId));
    return job.deliveryId;
  }

  invalidateRoutes(): void {
    this.routes = null;
  }

  private activeRoutes(): Promise<WebhookRoute[]> {
    if (!this.routes || Date.now() - this.routes.at > ROUTES_TTL_MS) {
      const list = this.webhooks.findActiveRoutes();
      this.routes = { at: Date.now(), list };
      list.catch(() => (this.routes = null));
    }
    return this.routes.list;
  }

  private jobOptions(deliveryId: string): JobOptions {
    const { maxAttempts, retryDelayMs } = this.config.get('webhooks', { infer: true });
    return {
      jobId: deliveryId,
      attempts: maxAttempts,
      backoff: { type: 'exponential', delay: retryDelayMs },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    };
  }
}
