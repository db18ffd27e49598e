import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { EVENT_PERMISSION, permissionRoom, ServerEventName, ServerEvents } from './realtime.events';
import { RealtimeGateway } from './realtime.gateway';

export type RealtimePayload<E extends ServerEventName> = Omit<ServerEvents[E], 'id'>;

/** Most events held while Redis is down (the replay log keeps about as many). */
const HELD_LIMIT = 10_000;
const HELD_RETRY_MS = 1_000;

/**
 * Sends realtime events: each is appended to the replay log (which gives it its id), then emitted to the room of
 * the permission it needs. While Redis is down, events are held in order and sent once it answers.
 */
@Injectable()
export class RealtimeBroadcaster implements OnModuleDestroy {
  private readonly logger = new Logger(RealtimeBroadcaster.name);
  /** Events not yet in the replay log because Redis did not answer (see {@link publish}). */
  private held: { event: ServerEventName; payload: RealtimePayload<ServerEventName> }[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private droppedHeld = 0;
  private stopped = false;

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly log: EventLogService,
  ) {}

  /**
   * Logs and sends the event. When Redis does not answer it is held, with every later one behind it (clients see
   * them in order), retried every {@link HELD_RETRY_MS}; beyond {@link HELD_LIMIT} the oldest is dropped.
   */
  async publish<E extends ServerEventName>(event: E, payload: RealtimePayload<E>): Promise<void> {
    if (this.held.length) return this.hold(event, payload);
    try {
      await this.deliver(event, payload);
    } catch (e) {
      this.logger.warn(`realtime events held until Redis answers (${event}: ${(e as Error).message})`);
      this.hold(event, payload);
    }
  }

  /** How many events wait for Redis. */
  get heldEvents(): number {
    return this.held.length;
  }

  private async deliver<E extends ServerEventName>(event: E, payload: RealtimePayload<E>): Promise<void> {
    const id = await this.log.append(event, payload as Record<string, unknown>);
    const room = permissionRoom(EVENT_PERMISSION[event]!);
    this.gateway.emitToRoom(room, event, { id, ...payload } as ServerEvents[E]);
  }

  private hold(event: ServerEventName, payload: RealtimePayload<ServerEventName>): void {
    if (this.held.length >= HELD_LIMIT) {
      this.held.shift();
      this.droppedHeld++;
    }
    this.held.push({ event, payload });
    if (!this.stopped) this.heldTimer ??= setTimeout(() => void this.sendHeld(), HELD_RETRY_MS);
  }

  private async sendHeld(): Promise<void> {
    this.heldTimer = null;
    let sent = 0;
    while (this.held.length) {
      const { event, payload } = this.held[0];
      try {
        await this.deliver(event, payload);
      } catch {
        if (!this.stopped) this.heldTimer = setTimeout(() => void this.sendHeld(), HELD_RETRY_MS);
        return;
      }
      this.held.shift();
      sent++;
    }
    const dropped = this.droppedHeld
      ? `; ${this.droppedHeld} older ones were dropped (more than ${HELD_LIMIT} held)`
      : '';
    this.logger.log(`Redis answers again: ${sent} held realtime events sent${dropped}`);
    this.droppedHeld = 0;
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    if (this.held.length) {
      this.logger.warn(`${this.held.length} realtime events held for Redis are not sent: the process is stopping`);
    }
  }
}
