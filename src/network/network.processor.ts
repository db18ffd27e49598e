import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { NETWORK_JOBS, NetworkApplyJob, NetworkExpireJob, NetworkRemoveJob, QUEUES } from '../infra/queues/queues';
import { FirewallJobsService } from './firewall-jobs.service';
import { NetworkMetrics } from './network.metrics';

/** Thin: logs and times each job, and hands it to FirewallJobsService. */
@Processor(QUEUES.NETWORK)
export class NetworkProcessor {
  private readonly logger = new Logger(NetworkProcessor.name);

  constructor(
    private readonly jobs: FirewallJobsService,
    private readonly metrics: NetworkMetrics,
  ) {}

  @Process(NETWORK_JOBS.APPLY)
  apply(job: Job<NetworkApplyJob>): Promise<void> {
    const attempt = job.attemptsMade + 1;
    return this.run(job, () => this.jobs.apply(job.data.actionId, { number: attempt, final: attempt >= (job.opts.attempts ?? 1) }));
  }

  @Process(NETWORK_JOBS.REMOVE)
  remove(job: Job<NetworkRemoveJob>): Promise<void> {
    return this.run(job, () => this.jobs.remove());
  }

  @Process(NETWORK_JOBS.EXPIRE)
  expire(job: Job<NetworkExpireJob>): Promise<void> {
    return this.run(job, () => this.jobs.expire(job.data.actionId));
  }

  private async run(job: Job, work: () => Promise<void>): Promise<void> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    this.logger.log(`job ${job.id} (${job.name}) started, attempt ${job.attemptsMade + 1}`);
    try {
      await work();
    } catch (error) {
      this.metrics.job(job.name, 'failure', elapsed());
      this.logger.warn(`job ${job.id} (${job.name}) failed after ${Math.round(elapsed() * 1000)} ms: ${(error as Error).message}`);
      throw error;
    }
    this.metrics.job(job.name, 'success', elapsed());
    this.logger.log(`job ${job.id} (${job.name}) done in ${Math.round(elapsed() * 1000)} ms`);
  }
}
