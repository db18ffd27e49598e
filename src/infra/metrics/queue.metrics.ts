import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectMetric, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Job, Queue } from 'bull';
import { Gauge, Histogram } from 'prom-client';
import { withTimeout } from '../health/readiness.registry';
import { registeredQueues } from '../lifecycle/registered-queues';

export const QUEUE_JOBS_METRIC = 'ids_queue_jobs';
export const QUEUE_JOB_DURATION_METRIC = 'ids_queue_job_duration_seconds';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const;
const COUNT_TIMEOUT_MS = 1000;

export type JobOutcome = 'completed' | 'retried' | 'failed';

/**
 * The Bull queues of this process: job counts by state, read from Redis at each scrape (the same figures on
 * every instance: aggregate them with `max`), and the duration and outcome of every job run by this process.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectMetric(QUEUE_JOB_DURATION_METRIC) private readonly duration: Histogram<string>,
  ) {}

  onApplicationBootstrap(): void {
    for (const [name, queue] of this.queues()) {
      queue.on('completed', (job: Job) => this.finished(name, job, 'completed'));
      // Bull sets finishedOn only when a job has failed for good; an attempt that will be retried has none
      queue.on('failed', (job: Job) => this.finished(name, job, job.finishedOn ? 'failed' : 'retried'));
    }
  }

  /** Sets the job counts of every queue; a queue whose counts cannot be read drops its series until it can. */
  async collectJobCounts(gauge: Gauge<string>): Promise<void> {
    await Promise.all(
      this.queues().map(async ([name, queue]) => {
        try {
          const counts = (await withTimeout(queue.getJobCounts(), COUNT_TIMEOUT_MS, `${name} queue counts`)) as unknown as Record<string, number>;
          for (const state of STATES) gauge.set({ queue: name, state }, counts[state] ?? 0);
        } catch {
          for (const state of STATES) gauge.remove({ queue: name, state });
        }
      }),
    );
  }

  private finished(queue: string, job: Job, outcome: JobOutcome): void {
    const started = job.processedOn ?? Date.now();
    this.duration.observe({ queue, outcome }, Math.max(0, (job.finishedOn ?? Date.now()) - started) / 1000);
  }

  /** The queues registered in this process (a process role may register only some), by name. */
  private queues(): [string, Queue][] {
    return registeredQueues(this.moduleRef).map((queue) => [queue.name, queue]);
  }
}

export const queueMetricProviders = [
  makeGaugeProvider({
    name: QUEUE_JOBS_METRIC,
    help: 'Jobs of each Bull queue by state (waiting, active, delayed, failed, paused), read at scrape time',
    labelNames: ['queue', 'state'],
    inject: [QueueMetrics],
    collect(this: Gauge<string>, metrics: QueueMetrics) {
      return metrics.collectJobCounts(this);
    },
  }),
  makeHistogramProvider({
    name: QUEUE_JOB_DURATION_METRIC,
    help: 'Duration of Bull jobs run by this process, by queue and outcome (completed, retried, failed)',
    labelNames: ['queue', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  }),
];
