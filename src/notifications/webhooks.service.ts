import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuditService } from '../audit/audit.service';
import { ActorContext } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../core/domain-error';
import { auditView } from './dto/webhook.dto';
import { CreateWebhookDto } from './dto/webhook-input.dto';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { PING_EVENT } from './webhook-events';
import { generateWebhookSecret, WebhookSecretCipher } from './webhook-secret.cipher';
import { refusalForUrl } from './webhook-url.guard';
import { WebhookEntity } from './webhook.entity';
import { WebhooksRepository } from './webhooks.repository';

export interface CreatedWebhook {
  webhook: WebhookEntity;
  /** The signing secret in clear, for the one response that shows it. */
  secret: string;
}

/** Outbound webhooks: registration (admin), test pings and the delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly dispatcher: WebhookDispatcher,
    private readonly audit: AuditService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async create(actor: ActorContext, dto: CreateWebhookDto): Promise<CreatedWebhook> {
    const refusal = await refusalForUrl(dto.url, this.config.get('webhooks.allowPrivate', { infer: true }));
    if (refusal) throw DomainError.validation([{ field: 'url', reason: refusal }]);
    const secret = dto.secret ?? generateWebhookSecret();
    const webhook = await this.webhooks.manager.transaction(async (m) => {
      const saved = await this.webhooks.create(m, {
        name: dto.name.trim(),
        url: dto.url,
        secret: this.cipher.encrypt(secret),
        events: dto.events,
        minRiskLevel: dto.min_risk_level ?? null,
        payloadFormat: dto.payload_format ?? 'ids',
        isActive: true,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null,
      });
      await this.audit.record(actor, { action: 'webhook.create', targetType: 'webhook', targetId: saved.id, after: auditView(saved) }, m);
      return saved;
    });
    this.dispatcher.invalidateRoutes();
    return { webhook: await this.get(webhook.id), secret };
  }

  list(): Promise<WebhookEntity[]> {
    return this.webhooks.list();
  }

  async get(id: string): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findById(id);
    if (!webhook) throw DomainError.notFound('Webhook', id);
    return webhook;
  }

  /** Deletes the webhook and its delivery log; queued deliveries to it are dropped. */
  async remove(actor: ActorContext, id: string): Promise<void> {
    await this.webhooks.manager.transaction(async (m) => {
      const webhook = await m.getRepository(WebhookEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!webhook) throw DomainError.notFound('Webhook', id);
      await this.webhooks.delete(m, id);
      await this.audit.record(actor, { action: 'webhook.delete', targetType: 'webhook', targetId: id, before: auditView(webhook) }, m);
    });
    this.dispatcher.invalidateRoutes();
  }

  /** Queues a `ping` delivery; returns its delivery id. */
  async ping(id: string): Promise<string> {
    const webhook = await this.get(id);
    return this.dispatcher.enqueue(webhook.id, PING_EVENT, { webhook_id: webhook.id, message: 'Test delivery from IDS-AI' });
  }

  /** Attempts newest first: one more than `limit` when there is a next page. */
  async deliveries(id: string, cursor: string | undefined, limit: number): Promise<WebhookDeliveryEntity[]> {
    await this.get(id);
    return this.webhooks.listDeliveries(id, cursor, limit + 1);
  }
}
