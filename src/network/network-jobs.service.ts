import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { JobOptions, Queue } from 'bull';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { withTimeout } from '../infra/health/readiness.registry';
import { NETWORK_JOBS, NetworkApplyJob, NetworkExpireJob, NetworkRemoveJob, QUEUES } from '../infra/queues/queues';
import { NetworkActionEntity } from './network-action.entity';

type NetworkJobData = NetworkApplyJob | NetworkRemoveJob | NetworkExpireJob;

/** Redis should answer in milliseconds; a request never waits longer than this for the queue. */
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * Queues the firewall work of committed changes. Job ids de-duplicate (`apply:<id>`, `remove:<id>`,
 * `expire:<id>`); finished jobs are removed so the same id can be queued again later. Queueing never fails the
 * request: the change is committed, and the reconciler applies it within FIREWALL_RECONCILE_SECONDS when Redis
 * is slow, down or was flushed.
 */
@Injectable()
export class NetworkJobsService {
  private readonly logger = new Logger(NetworkJobsService.name);
  private readonly retry: JobOptions;

  constructor(
    @InjectQueue(QUEUES.NETWORK) private readonly queue: Queue<NetworkJobData>,
    config: ConfigService<AppConfig, true>,
  ) {
    const { attempts, backoffMs } = config.get('network.jobs', { infer: true });
    this.retry = { attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: true, removeOnFail: true };
  }

  /** Apply a new or extended block now, and expire it at its `expires_at`. */
  async applied(action: NetworkActionEntity): Promise<void> {
    if (await this.add(NETWORK_JOBS.APPLY, { actionId: action.id }, { jobId: `apply:${action.id}` })) await this.scheduleExpiry(action);
  }

  /** Take lifted blocks out of the firewall (one job for a bulk unblock). */
  async removed(actionIds: string[]): Promise<void> {
    if (actionIds.length === 0) return;
    const jobId = actionIds.length === 1
      ? `remove:${actionIds[0]}`
      : `remove:${actionIds[0]}+${actionIds.length - 1}:${createHash('sha1').update(actionIds.join(',')).digest('hex').slice(0, 12)}`;
    await this.add(NETWORK_JOBS.REMOVE, { actionIds }, { jobId });
  }

  /** Replaces the delayed `expire:<id>` job (the expiry may have moved). */
  private async scheduleExpiry(action: NetworkActionEntity): Promise<void> {
    if (!action.expiresAt) return;
    const jobId = `expire:${action.id}`;
    const unscheduled = await this.guard(`unschedule ${jobId}`, async () => {
      const existing = await this.queue.getJob(jobId);
      if (existing && (await existing.isDelayed())) await existing.remove();
    });
    const delay = Math.max(0, action.expiresAt.getTime() - Date.now());
    if (unscheduled) await this.add(NETWORK_JOBS.EXPIRE, { actionId: action.id }, { jobId, delay });
  }

  private add(name: string, data: NetworkJobData, options: JobOptions): Promise<boolean> {
    return this.guard(`queue ${options.jobId}`, async () => void (await this.queue.add(name, data, { ...this.retry, ...options })));
  }

  /** False when Redis failed or was too slow: the caller skips the rest (each step would wait as long). */
  private async guard(what: string, fn: () => Promise<void>): Promise<boolean> {
    try {
      await withTimeout(fn(), ENQUEUE_TIMEOUT_MS, what);
      return true;
    } catch (error) {
      this.logger.warn(`Could not ${what} (the reconciler will catch up): ${(error as Error).message}`);
      return false;
    }
  }

  /** Job counts by state, for the queue depth gauge. */
  async depth(): Promise<Record<string, number>> {
    const counts = await withTimeout(this.queue.getJobCounts(), ENQUEUE_TIMEOUT_MS, 'network queue counts');
    return { ...counts };
  }
}
