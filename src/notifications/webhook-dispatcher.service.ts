import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { JobOptions, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '../alerts/alert.entity';
import { AlertEvents } from '../alerts/alert.events';
import { riskRank } from '../alerts/risk-level';
import { AppConfig } from '../config/app-config';
import { QUEUES, WebhookDeliveryJob } from '../infra/queues/queues';
import { DIGEST_EVENT, WebhookDigestStore } from './webhook-digest.store';
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
 * Turns domain events into delivery jobs: one Bull job per (webhook, event), retried with exponential backoff;
 * beyond WEBHOOK_DIGEST_THRESHOLD `alert.raised` per window and webhook, one `alert.raised.digest` job per window.
 * The routing table is cached briefly (this process drops it when a webhook is created or deleted; another
 * instance sees the change within ROUTES_TTL_MS); the processor re-reads the webhook before each attempt.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private routes: { at: number; list: Promise<WebhookRoute[]> } | null = null;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly digests: WebhookDigestStore,
    @InjectQueue(QUEUES.WEBHOOKS) private readonly queue: Queue<WebhookDeliveryJob>,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /**
   * Queues the event for every webhook that wants it; never throws (an event source must not fail). In a storm an
   * `alert.raised` joins the webhook's open digest instead (see WebhookDigestStore); returns the webhooks reached.
   */
  async dispatch(event: string, payload: unknown): Promise<number> {
    try {
      const targets = (await this.activeRoutes()).filter((r) => wants(r, event, payload));
      if (!targets.length) return 0;
      const occurredAt = new Date().toISOString();
      const data = toJsonValue(payload);
      const singles = event === AlertEvents.RAISED && this.digests.enabled ? await this.coalesce(targets, data) : targets;
      if (!singles.length) return targets.length;
      await this.queue.addBulk(
        singles.map((r) => {
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

  /** The webhooks this alert goes to singly; the others got it into their digest (whose job is queued once). */
  private async coalesce(targets: WebhookRoute[], data: unknown): Promise<WebhookRoute[]> {
    const singles: WebhookRoute[] = [];
    for (const route of targets) {
      const routing = await this.digests.routeAlert(route.id, data).catch((e: Error) => {
        this.logger.warn(`webhook digest unavailable, delivering singly: ${e.message}`);
        return { kind: 'single' } as const;
      });
      if (routing.kind === 'single') singles.push(route);
      else await this.queueDigest(route.id, routing.seq, routing.openedAtMs);
    }
    return singles;
  }

  /** Added for every alert of the digest: the job id makes all but the first a no-op, so a lost add is healed. */
  private async queueDigest(webhookId: string, seq: number, openedAtMs: number): Promise<void> {
    const job: WebhookDeliveryJob = { webhookId, deliveryId: randomUUID(), event: DIGEST_EVENT, occurredAt: new Date().toISOString(), data: null, digest: { seq } };
    const delay = Math.max(0, openedAtMs + this.digests.windowMs - Date.now());
    await this.queue.add(WEBHOOK_DELIVERY_JOB, job, { ...this.jobOptions(job.deliveryId), jobId: `digest:${webhookId}:${seq}`, delay });
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
