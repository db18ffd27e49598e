import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { WebhookDeliveryJob } from '../infra/queues/queues';
import { postWebhook } from './webhook-http.client';
import { SiemDocumentFactory } from './siem/siem-document.factory';
import { AttemptOutcomeLabel, WEBHOOK_DELIVERIES_METRIC, WEBHOOK_DELIVERY_DURATION_METRIC } from './webhook.metrics';
import { WebhookSecretCipher, WebhookSecretUnreadableError } from './webhook-secret.cipher';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';
import { WebhookTargetRefusedError } from './webhook-url.guard';
import { WebhooksRepository } from './webhooks.repository';

export type AttemptOutcome =
  | { kind: 'success' }
  /** The webhook was deleted or disabled meanwhile: nothing to deliver, nothing recorded. */
  | { kind: 'dropped' }
  /** `retry` false: the last attempt, or a failure retrying cannot fix (refused target, unreadable secret). */
  | { kind: 'failed'; error: string; retry: boolean };

const USER_AGENT = 'IDS-AI-Webhooks/1.0';

/** One delivery attempt: sign, POST with a timeout, record the attempt, count it. */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly documents: SiemDocumentFactory,
    private readonly config: ConfigService<AppConfig, true>,
    @InjectMetric(WEBHOOK_DELIVERIES_METRIC) private readonly attempts: Counter<string>,
    @InjectMetric(WEBHOOK_DELIVERY_DURATION_METRIC) private readonly durations: Histogram<string>,
  ) {}

  async attempt(job: WebhookDeliveryJob, attempt: number, isLast: boolean): Promise<AttemptOutcome> {
    const webhook = await this.webhooks.findWithSecret(job.webhookId);
    if (!webhook || !webhook.isActive) {
      this.attempts.inc({ event: job.event, outcome: 'dropped' });
      return { kind: 'dropped' };
    }
    const body =
      webhook.payloadFormat === 'ids'
        ? { id: job.deliveryId, event: job.event, occurred_at: job.occurredAt, data: job.data }
        : this.documents.documents(job, webhook.payloadFormat, true)[0];
    const raw = JSON.stringify(body);
    const { timeoutMs, allowPrivate } = this.config.get('webhooks', { infer: true });
    const started = process.hrtime.bigint();
    let statusCode: number | null = null;
    let error: string | null = null;
    let permanent = false;
    try {
      const secret = this.cipher.decrypt(webhook.secret);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'user-agent': USER_AGENT,
        [WEBHOOK_HEADERS.EVENT]: job.event,
        [WEBHOOK_HEADERS.DELIVERY]: job.deliveryId,
        [WEBHOOK_HEADERS.TIMESTAMP]: String(timestamp),
        [WEBHOOK_HEADERS.SIGNATURE]: signWebhook(secret, timestamp, raw),
        [WEBHOOK_HEADERS.ATTEMPT]: String(attempt),
      };
      const res = await postWebhook(webhook.url, headers, raw, { timeoutMs, allowPrivate });
      statusCode = res.statusCode;
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
    } catch (e) {
      error = (e as Error).message || String(e);
      permanent = e instanceof WebhookSecretUnreadableError || e instanceof WebhookTargetRefusedError;
    }
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    await this.webhooks.recordAttempt({
      webhookId: webhook.id,
      deliveryId: job.deliveryId,
      event: job.event,
      payload: body,
      attempt,
      statusCode,
      success: error === null,
      error: error?.slice(0, 1000) ?? null,
      durationMs: Math.round(durationMs),
    });
    const retry = error !== null && !permanent && !isLast;
    const outcome: AttemptOutcomeLabel = error === null ? 'success' : retry ? 'retry' : 'failed';
    this.attempts.inc({ event: job.event, outcome });
    this.durations.observe({ outcome }, durationMs / 1000);
    return error === null ? { kind: 'success' } : { kind: 'failed', error, retry };
  }
}
