import { Module } from '@nestjs/common';
import { NotificationsModule } from './notifications.module';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';

/** The background work of webhooks (the `worker` and `all` roles): delivery jobs. */
@Module({
  imports: [NotificationsModule],
  providers: [WebhookDeliveryProcessor],
})
export class NotificationsWorkerModule {}
