import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { QUEUES } from '../infra/queues/queues';
import { ALERT_ATTACK_MAPPER, ATTACK_MAPPER } from './siem/attack-mapping';
import { SiemDocumentFactory } from './siem/siem-document.factory';
import { SiemDeliveryService } from './siem/siem-delivery.service';
import { SiemDigestStore } from './siem/siem-digest.store';
import { SiemDispatcher } from './siem/siem-dispatcher.service';
import { siemMetricProviders } from './siem/siem.metrics';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDigestStore } from './webhook-digest.store';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEventsListener } from './webhook-events.listener';
import { webhookMetricProviders } from './webhook.metrics';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { WebhookEntity } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound webhooks (permission system_config): registration, signed deliveries with retries, delivery log; and
 * SIEM forwarding of ECS documents or OCSF events over syslog (docs/siem.md).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEntity, WebhookDeliveryEntity]),
    BullModule.registerQueue({ name: QUEUES.WEBHOOKS }),
    BullModule.registerQueue({ name: QUEUES.SIEM }),
  ],
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDispatcher,
    WebhookDigestStore,
    WebhookEventsListener,
    WebhookDeliveryService,
    ...webhookMetricProviders,
    { provide: ATTACK_MAPPER, useValue: ALERT_ATTACK_MAPPER },
    SiemDocumentFactory,
    SiemDigestStore,
    SiemDispatcher,
    SiemDeliveryService,
    ...siemMetricProviders,
    {
      provide: WebhookSecretCipher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => new WebhookSecretCipher(config.get('webhooks.secretKey', { infer: true })),
    },
  ],
  exports: [WebhookDispatcher, WebhookDeliveryService, WebhookDigestStore, SiemDeliveryService, SiemDigestStore],
})
export class NotificationsModule {}
