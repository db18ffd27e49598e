import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../alerts/alert.events';
import { AlertDto } from '../alerts/dto/alert.dto';
import { RiskLevel } from '../alerts/alert.entity';
import { AppConfig } from '../config/app-config';
import { EventLogService } from './event-log.service';
import { AlertFold, EVENT_PERMISSION, permissionRoom, ServerEventName, ServerEvents, TrainingProgressPayload } from './realtime.events';
import { RealtimeGateway } from './realtime.gateway';

/** Network domain events (emitted by the network module) and the realtime event each becomes. */
const NETWORK_EVENTS: Record<string, ServerEventName> = {
  'network.ip_blocked': 'ip_blocked',
  'network.port_blocked': 'port_blocked',
  'network.block_expired': 'block_expired',
  'network.block_revoked': 'block_revoked',
  'network.block_failed': 'block_failed',
};

type Payload<E extends ServerEventName> = Omit<ServerEvents[E], 'id'>;

/** Most events held while Redis is down (the replay log keeps about as many). */
const HELD_LIMIT = 10_000;
const HELD_RETRY_MS = 1_000;

/**
 * Turns committed domain events into realtime events: each is appended to the replay log (its id) and sent to
 * the room of the permission it needs. Above REALTIME_STORM_THRESHOLD new alerts per second, `attack_detected`
 * messages are coalesced into one `attack_detected_batch` every REALTIME_BATCH_MS, which carries the most severe
 * (then latest) REALTIME_BATCH_MAX_ALERTS alerts and the count of all of them per attack type: a storm costs the
 * dashboards a few messages of bounded size per second, whatever its rate. Likewise an alert that a storm keeps
 * folding verdicts into (`alert_updated` with change `deduplicated`) is announced at most once per
 * REALTIME_BATCH_MS, with its latest state; any other change of it is sent at once (and supersedes the pending one).
 * When more than REALTIME_STORM_THRESHOLD alerts were folded into within one window, they are announced together
 * in one `alerts_deduplicated` message carrying only what folding changes (counts, last seen, confidences, risk),
 * instead of one full alert each: a few attackers hitting many targets would otherwise send every dashboard,
 * and the replay log, hundreds of full alerts per second.
 */
@Injectable()
export class RealtimeBroadcaster implements OnModuleDestroy {
  private readonly logger = new Logger(RealtimeBroadcaster.name);
  private windowStart = 0;
  private windowCount = 0;
  private pending: AlertDto[] = [];
  private pendingByType: Record<string, number> = {};
  private flushTimer: NodeJS.Timeout | null = null;
  /** Alerts folded into since their last announcement, latest state by id. */
  private folded = new Map<string, AlertDto>();
  private foldedTimer: NodeJS.Timeout | null = null;
  /** Events not yet in the replay log because Redis did not answer (see {@link publish}). */
  private held: { event: ServerEventName; payload: Payload<ServerEventName> }[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private droppedHeld = 0;
  private readonly threshold: number;
  private readonly batchMs: number;
  private readonly batchMaxAlerts: number;

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly log: EventLogService,
    config: ConfigService<AppConfig, true>,
    events: EventEmitter2,
  ) {
    const realtime = config.get('realtime', { infer: true });
    this.threshold = realtime.stormThreshold;
    this.batchMs = realtime.batchMs;
    this.batchMaxAlerts = realtime.batchMaxAlerts;
    for (const [domain, event] of Object.entries(NETWORK_EVENTS)) {
      events.on(domain, (p: { action?: Record<string, unknown>; alert_id?: string | null }) =>
        this.publish(event, { action: p.action ?? (p as Record<string, unknown>), alert_id: p.alert_id ?? null }),
      );
    }
  }

  @OnEvent(AlertEvents.RAISED)
  onRaised(e: AlertRaisedEvent): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    if (this.windowCount <= this.threshold && !this.flushTimer) {
      void this.publish('attack_detected', { alert: e.alert });
      return;
    }
    this.pending.push(e.alert);
    this.pendingByType[e.alert.attack_type] = (this.pendingByType[e.alert.attack_type] ?? 0) + 1;
    if (this.pending.length >= 4 * this.batchMaxAlerts) this.pending = mostSevere(this.pending, this.batchMaxAlerts);
    this.flushTimer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  @OnEvent('model.training_progress')
  onTrainingProgress(e: TrainingProgressPayload): void {
    void this.publish('model_training_progress', e);
  }

  @OnEvent('model.activated')
  onModelActivated(e: { version: string }): void {
    void this.publish('model_activated', { version: e.version });
  }

  @OnEvent(AlertEvents.UPDATED)
  onUpdated(e: AlertUpdatedEvent): void {
    if (e.change === 'deduplicated') {
      this.folded.set(e.alert.id, e.alert);
      this.foldedTimer ??= setTimeout(() => this.flushFolded(), this.batchMs);
      return;
    }
    this.folded.delete(e.alert.id);
    void this.publish('alert_updated', { alert: e.alert, change: e.change });
  }

  @OnEvent(AlertEvents.RESOLVED)
  onResolved(e: AlertRaisedEvent): void {
    this.folded.delete(e.alert.id);
    void this.publish('alert_resolved', { alert: e.alert });
  }

  /**
   * Appends the event to the replay log (which gives it its id) and sends it. When Redis does not answer, the event
   * is held, with every later one behind it so that clients see them in order, and sent once Redis answers again
   * (retried every {@link HELD_RETRY_MS}); at most {@link HELD_LIMIT} are held, the oldest dropped beyond that.
   */
  async publish<E extends ServerEventName>(event: E, payload: Payload<E>): Promise<void> {
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

  private async deliver<E extends ServerEventName>(event: E, payload: Payload<E>): Promise<void> {
    const id = await this.log.append(event, payload as Record<string, unknown>);
    const room = permissionRoom(EVENT_PERMISSION[event]!);
    this.gateway.emitToRoom(room, event, { id, ...payload } as ServerEvents[E]);
  }

  private hold(event: ServerEventName, payload: Payload<ServerEventName>): void {
    if (this.held.length >= HELD_LIMIT) {
      this.held.shift();
      this.droppedHeld++;
    }
    this.held.push({ event, payload });
    this.heldTimer ??= setTimeout(() => void this.sendHeld(), HELD_RETRY_MS);
  }

  private async sendHeld(): Promise<void> {
    this.heldTimer = null;
    let sent = 0;
    while (this.held.length) {
      const { event, payload } = this.held[0];
      try {
        await this.deliver(event, payload);
      } catch {
        this.heldTimer = setTimeout(() => void this.sendHeld(), HELD_RETRY_MS);
        return;
      }
      this.held.shift();
      sent++;
    }
    const dropped = this.droppedHeld ? `; ${this.droppedHeld} older ones were dropped (more than ${HELD_LIMIT} held)` : '';
    this.logger.log(`Redis answers again: ${sent} held realtime events sent${dropped}`);
    this.droppedHeld = 0;
  }

  private flush(): void {
    this.flushTimer = null;
    const byType = this.pendingByType;
    const alerts = mostSevere(this.pending, this.batchMaxAlerts);
    this.pending = [];
    this.pendingByType = {};
    const count = Object.values(byType).reduce((a, b) => a + b, 0);
    if (count) void this.publish('attack_detected_batch', { alerts, count, by_attack_type: byType });
  }

  private flushFolded(): void {
    this.foldedTimer = null;
    const alerts = [...this.folded.values()];
    this.folded.clear();
    if (alerts.length > this.threshold) {
      void this.publish('alerts_deduplicated', { alerts: alerts.map(foldOf) });
      return;
    }
    for (const alert of alerts) void this.publish('alert_updated', { alert, change: 'deduplicated' });
  }

  onModuleDestroy(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.foldedTimer) clearTimeout(this.foldedTimer);
    this.flush();
    this.flushFolded();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    if (this.held.length) this.logger.warn(`${this.held.length} realtime events held for Redis are not sent: the process is stopping`);
  }
}

function foldOf(a: AlertDto): AlertFold {
  return {
    id: a.id,
    event_count: a.event_count,
    last_seen: a.last_seen,
    confidence: a.confidence,
    max_confidence: a.max_confidence,
    risk_level: a.risk_level,
    updated_at: a.updated_at,
  };
}

const RISK_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The `max` most severe alerts (the later ones among equals), in their order of arrival. */
function mostSevere(alerts: AlertDto[], max: number): AlertDto[] {
  if (alerts.length <= max) return alerts;
  return alerts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => RISK_RANK[y.a.risk_level] - RISK_RANK[x.a.risk_level] || y.i - x.i)
    .slice(0, max)
    .sort((x, y) => x.i - y.i)
    .map(({ a }) => a);
}
