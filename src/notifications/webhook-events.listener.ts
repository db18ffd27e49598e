import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { WEBHOOK_EVENTS } from './webhook-events';
import { SiemDispatcher } from './siem/siem-dispatcher.service';
import { WebhookDispatcher } from './webhook-dispatcher.service';

/**
 * Subscribes the dispatchers (webhooks, SIEM) to every subscribable domain event (emitted after the change is
 * committed), until the very end of a shutdown: what the last stream batches and jobs commit while the process
 * drains still becomes deliveries.
 */
@Injectable()
export class WebhookEventsListener implements OnModuleInit, OnApplicationShutdown {
  private readonly handlers = new Map<string, (payload: unknown) => void>();

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly dispatcher: WebhookDispatcher,
    private readonly siem: SiemDispatcher,
  ) {}

  onModuleInit(): void {
    for (const event of WEBHOOK_EVENTS) {
      const handler = (payload: unknown) => {
        void this.dispatcher.dispatch(event, payload);
        void this.siem.dispatch(event, payload);
      };
      this.emitter.on(event, handler);
      this.handlers.set(event, handler);
    }
  }

  onApplicationShutdown(): void {
    for (const [event, handler] of this.handlers) this.emitter.off(event, handler);
    this.handlers.clear();
  }
}
