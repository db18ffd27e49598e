import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from '../infra/health/readiness.registry';
import { QUEUE_EVENTS, QueueReconnectedEvent, QUEUES } from '../infra/queues/queues';
import { ActionLifecycle } from './action-lifecycle.service';
import { NetworkJobsService } from './network-jobs.service';
import { NetworkMetrics } from './network.metrics';
import { DriverSwitchService } from './sync/driver-switch.service';
import { FirewallLockBusyError } from './sync/firewall-lock';
import { FirewallSyncService, SyncOutcome } from './sync/firewall-sync.service';

/** A pass waits this long for another instance's pass, then leaves the work to it. */
const PASS_LOCK_WAIT_MS = 2_000;
/** After a failed pass (the database was unavailable, say) the next one comes this soon, not a full period later. */
const RETRY_AFTER_FAILURE_MS = 2_000;

export interface ReconcileResult {
  expired: string[];
  /** Null when another instance held the firewall lock. */
  sync: SyncOutcome | null;
}

interface LastPass {
  at: Date;
  ok: boolean;
  error?: string;
}

/**
 * At start-up removes (or refuses to start with) what the other firewall driver left (DriverSwitchService). Then
 * makes the firewall match the database at start-up, every FIREWALL_RECONCILE_SECONDS and when Redis comes back
 * (a failed pass is retried after RETRY_AFTER_FAILURE_MS, so readiness follows a database that came back):
 * expires every live action past its `expires_at` (even when its delayed job was lost with Redis), then syncs the
 * firewall and counts the drift it repaired. Passes never overlap in this process; across instances the firewall
 * lock serialises them.
 */
@Injectable()
export class NetworkReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NetworkReconciler.name);
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private running: Promise<ReconcileResult | null> | null = null;
  private last: LastPass | null = null;
  private stopped = false;

  constructor(
    private readonly sync: FirewallSyncService,
    private readonly driverSwitch: DriverSwitchService,
    private readonly lifecycle: ActionLifecycle,
    private readonly jobs: NetworkJobsService,
    private readonly metrics: NetworkMetrics,
    private readonly readiness: ReadinessRegistry,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('firewall', async () => this.probe());
    await this.driverSwitch.clearOtherDriver();
    await this.reconcile();
    const everyMs = this.config.get('network.reconcileSeconds', { infer: true }) * 1000;
    this.timer = setInterval(() => void this.reconcile(), everyMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    await this.running;
  }

  /** Redis is back: applies and expiries that could not be queued while it was down are caught up now. */
  @OnEvent(QUEUE_EVENTS.RECONNECTED)
  onQueueReconnected(event: QueueReconnectedEvent): void {
    if (event.queue === QUEUES.NETWORK) void this.reconcile();
  }

  /** Runs a pass now, or joins the one in progress. Never throws: a failed pass is logged and retried later. */
  reconcile(): Promise<ReconcileResult | null> {
    if (this.stopped) return Promise.resolve(null);
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<ReconcileResult | null> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const expired = await this.lifecycle.expireDue();
      const sync = await this.sync.sync({ repairedBy: 'reconciler', lockWaitMs: PASS_LOCK_WAIT_MS }).catch((error) => {
        if (error instanceof FirewallLockBusyError) return null;
        throw error;
      });
      this.metrics.reconcile(sync ? 'success' : 'skipped', seconds());
      if (sync) this.report(expired.map((a) => a.id), sync);
      this.last = { at: new Date(), ok: true };
      return { expired: expired.map((a) => a.id), sync };
    } catch (error) {
      this.metrics.reconcile('failure', seconds());
      // while the database stays down, the passes retried every RETRY_AFTER_FAILURE_MS fail the same way
      const again = this.last?.ok === false;
      this.last = { at: new Date(), ok: false, error: (error as Error).message };
      if (again) this.logger.warn(`Firewall reconcile failed again: ${(error as Error).message}`);
      else this.logger.error({ err: error }, `Firewall reconcile failed: ${(error as Error).message}`);
      this.retrySoon();
      return null;
    } finally {
      await this.refreshQueueDepth();
    }
  }

  private retrySoon(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(RETRY_AFTER_FAILURE_MS, this.config.get('network.reconcileSeconds', { infer: true }) * 1000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconcile();
    }, delay);
  }

  private report(expired: string[], sync: SyncOutcome): void {
    const { missing, unexpected, timeout } = sync.changes;
    if (missing + unexpected + timeout + expired.length + sync.activated.length === 0) return;
    this.logger.log(
      `Firewall reconciled (${this.sync.driverName}): ${missing} restored, ${unexpected} removed, ${timeout} timeouts corrected, ` +
        `${expired.length} expired, ${sync.activated.length} activated; holding ${sync.rules.addresses} addresses, ${sync.rules.ports} ports`,
    );
  }

  private async refreshQueueDepth(): Promise<void> {
    if (this.stopped) return;
    try {
      this.metrics.queue(await this.jobs.depth());
    } catch {
      // Redis down: the gauge keeps its last value; the reconciler itself does not need the queue
    }
  }

  private probe(): Record<string, unknown> {
    if (this.last && !this.last.ok) throw new Error(`last firewall reconcile failed: ${this.last.error}`);
    return { driver: this.sync.driverName, last_reconcile_at: this.last?.at.toISOString() ?? null };
  }
}
