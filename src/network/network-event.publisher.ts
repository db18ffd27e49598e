import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { toNetworkActionDto } from './dto/network-action.dto';
import { NetworkActionEntity, NetworkActionType } from './network-action.entity';
import { NetworkActionEvent, NetworkEventName, NetworkEvents } from './network.events';

/**
 * Emits the network module's events. Call it only after the transaction committed; a failing listener is
 * logged, not thrown (the change is already committed).
 */
@Injectable()
export class NetworkEventPublisher {
  private readonly logger = new Logger(NetworkEventPublisher.name);

  constructor(private readonly events: EventEmitter2) {}

  blocked(actions: NetworkActionEntity[]): void {
    for (const a of actions) this.emit(a.actionType === NetworkActionType.BLOCK_PORT ? NetworkEvents.PORT_BLOCKED : NetworkEvents.IP_BLOCKED, a);
  }

  expired(actions: NetworkActionEntity[]): void {
    for (const a of actions) this.emit(NetworkEvents.BLOCK_EXPIRED, a);
  }

  revoked(actions: NetworkActionEntity[]): void {
    for (const a of actions) this.emit(NetworkEvents.BLOCK_REVOKED, a);
  }

  failed(actions: NetworkActionEntity[]): void {
    for (const a of actions) this.emit(NetworkEvents.BLOCK_FAILED, a);
  }

  private emit(name: NetworkEventName, action: NetworkActionEntity): void {
    const payload: NetworkActionEvent = { action: toNetworkActionDto(action), alert_id: action.alertId === null ? null : String(action.alertId) };
    try {
      this.events.emit(name, payload);
    } catch (error) {
      this.logger.error({ err: error, event: name, actionId: action.id }, 'A network event listener failed');
    }
  }
}
