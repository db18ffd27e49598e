import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { JobOptions, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '../../alerts/alert.entity';
import { AlertEvents } from '../../alerts/alert.events';
import { riskRank } from '../../alerts/risk-level';
import { AppConfig } from '../../config/app-config';
import { QUEUES, SiemDeliveryJob } from '../../infra/queues/queues';
import { DIGEST_EVENT } from '../alert-digest.store';
import { isAlertEvent, riskLevelOf, toJsonValue } from '../webhook-events';
import { SiemDigestStore } from './siem-digest.store';

export const SIEM_DELIVERY_JOB = 'deliver';

/**
 * Turns domain events into SIEM delivery jobs: one Bull job per (destination, event), retried with exponential
 * backoff, so an event queued while a receiver is down is sent when it is back. Beyond SIEM_DIGEST_THRESHOLD
 * `alert.raised` per window and destination, one `alert.raised.digest` job per window (the webhooks' digest logic).
 */
@Injectable()
export class SiemDispatcher {
  private readonly logger = new Logger(SiemDispatcher.name);
  private readonly settings: AppConfig['siem'];

  constructor(
    private readonly digests: SiemDigestStore,
    @InjectQueue(QUEUES.SIEM) private readonly queue: Queue<SiemDeliveryJob>,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('siem', { infer: true });
  }

  get enabled(): boolean {
    return this.settings.syslog.destinations.length > 0;
  }

  /** Whether the event is forwarded: one of SIEM_EVENTS and, for alert events, at least SIEM_MIN_RISK_LEVEL. */
  wants(event: string, payload: unknown): boolean {
    if (!this.enabled || !this.settings.events.includes(event)) return false;
    const min = this.settings.minRiskLevel;
    if (!min || !isAlertEvent(event)) return true;
    const level = riskLevelOf(payload);
    return level !== null && riskRank(level as RiskLevel) >= riskRank(min as RiskLevel);
  }

  /** Queues the event for every destination (or joins their digests); never throws. Returns the jobs queued. */
  async dispatch(event: string, payload: unknown): Promise<number> {
    if (!this.wants(event, payload)) return 0;
    try {
      const occurredAt = new Date().toISOString();
      const data = toJsonValue(payload);
      let targets = this.settings.syslog.destinations.map((d) => d.name);
      if (event === AlertEvents.RAISED && this.digests.enabled) targets = await this.coalesce(targets, data);
      if (!targets.length) return 0;
      await this.queue.addBulk(
        targets.map((destination) => {
          const job: SiemDeliveryJob = { destination, deliveryId: randomUUID(), event, occurredAt, data };
          return { name: SIEM_DELIVERY_JOB, data: job, opts: this.jobOptions(job.deliveryId) };
        }),
      );
      return targets.length;
    } catch (e) {
      this.logger.warn(`SIEM deliveries for ${event} not queued: ${(e as Error).message}`);
      return 0;
    }
  }

  /** The destinations this alert goes to singly; the others counted it into their open digest. */
  private async coalesce(destinations: string[], data: unknown): Promise<string[]> {
    const singles: string[] = [];
    for (const destination of destinations) {
      const routing = await this.digests.routeAlert(destination, data).catch((e: Error) => {
        this.logger.warn(`SIEM digest unavailable, delivering singly: ${e.message}`);
        return { kind: 'single' } as const;
      });
      if (routing.kind === 'single') singles.push(destination);
      else await this.queueDigest(destination, routing.seq, routing.openedAtMs);
    }
    return singles;
  }

  /** Added for every alert of the digest: the job id makes all but the first a no-op. */
  private async queueDigest(destination: string, seq: number, openedAtMs: number): Promise<void> {
    const job: SiemDeliveryJob = {
      destination,
      deliveryId: randomUUID(),
      event: DIGEST_EVENT,
      occurredAt: new Date().toISOString(),
      data: null,
      digest: { seq },
    };
    const delay = Math.max(0, openedAtMs + this.digests.windowMs - Date.now());
    const jobId = `digest:${destination}:${seq}`;
    await this.queue.add(SIEM_DELIVERY_JOB, job, { ...this.jobOptions(job.deliveryId), jobId, delay });
  }

  private jobOptions(deliveryId: string): JobOptions {
    return {
      jobId: deliveryId,
      attempts: this.settings.maxAttempts,
      backoff: { type: 'exponential', delay: this.settings.retryDelayMs },
      removeOnComplete: 1000,
      // kept: a delivery that exhausted its attempts can be retried from the queue dashboard
      removeOnFail: false,
    };
  }
}
