import { Module } from '@nestjs/common';
import { NotificationsModule } from './notifications.module';
import { SiemDeliveryProcessor } from './siem/siem-delivery.processor';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';

/** The background work of webhooks and SIEM forwarding (the `worker` and `all` roles): delivery jobs. */
@Module({
  imports: [NotificationsModule],
  providers: [WebhookDeliveryProcessor, SiemDeliveryProcessor],
})
export class NotificationsWorkerModule {}
