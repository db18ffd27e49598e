import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { QUEUES } from '../infra/queues/queues';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEventsListener } from './webhook-events.listener';
import { webhookMetricProviders } from './webhook.metrics';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { WebhookEntity } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Outbound webhooks (permission system_config): registration, signed deliveries with retries, delivery log. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEntity, WebhookDeliveryEntity]), BullModule.registerQueue({ name: QUEUES.WEBHOOKS })],
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDispatcher,
    WebhookEventsListener,
    WebhookDeliveryService,
    ...webhookMetricProviders,
    {
      provide: WebhookSecretCipher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => new WebhookSecretCipher(config.get('webhooks.secretKey', { infer: true })),
    },
  ],
  exports: [WebhookDispatcher, WebhookDeliveryService],
})
export class NotificationsModule {}
