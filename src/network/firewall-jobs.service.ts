import { Injectable } from '@nestjs/common';
import { ActionLifecycle } from './action-lifecycle.service';
import { LIVE_STATUSES, NetworkActionEntity } from './network-action.entity';
import { NetworkActionsRepository } from './network-actions.repository';
import { FirewallSyncService } from './sync/firewall-sync.service';

/** How long a job waits for another instance's firewall change before giving up (and being retried). */
const JOB_LOCK_WAIT_MS = 10_000;
/** A delayed job may fire a little early (clocks, timers): it then waits for the expiry instead of skipping it. */
const EARLY_EXPIRY_WAIT_MS = 5_000;

export interface JobAttempt {
  number: number;
  /** No retry follows this attempt. */
  final: boolean;
}

const isLive = (a: NetworkActionEntity | null): a is NetworkActionEntity => a !== null && LIVE_STATUSES.includes(a.status);

/**
 * What the `network` queue's jobs do. Each is safe to run twice: it syncs the whole firewall with the
 * database (see FirewallSyncService), so a repeated or late job finds nothing left to change.
 */
@Injectable()
export class FirewallJobsService {
  constructor(
    private readonly sync: FirewallSyncService,
    private readonly actions: NetworkActionsRepository,
    private readonly lifecycle: ActionLifecycle,
  ) {}

  /** A new or extended block: after the last failed attempt a still-pending block becomes failed. */
  async apply(actionId: string, attempt: JobAttempt): Promise<void> {
    if (!isLive(await this.actions.findById(actionId))) return;
    try {
      await this.sync.sync({ repairedBy: 'job', lockWaitMs: JOB_LOCK_WAIT_MS });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.actions.recordFailedAttempt([actionId], message, true);
      if (attempt.final) await this.lifecycle.fail([actionId], message);
      throw error;
    }
  }

  /** Lifted blocks (their rows are already revoked): the sync takes them out. */
  async remove(): Promise<void> {
    await this.sync.sync({ repairedBy: 'job', lockWaitMs: JOB_LOCK_WAIT_MS });
  }

  /** The block's expiry: mark it expired, then take it out. An extended block is left to its newer job. */
  async expire(actionId: string): Promise<void> {
    const action = await this.actions.findById(actionId);
    if (!isLive(action) || !action.expiresAt) return;
    const early = action.expiresAt.getTime() - Date.now();
    if (early > EARLY_EXPIRY_WAIT_MS) return;
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    await this.lifecycle.expireDue([actionId]);
    await this.sync.sync({ repairedBy: 'job', lockWaitMs: JOB_LOCK_WAIT_MS });
  }
}
