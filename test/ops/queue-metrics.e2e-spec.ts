import { BullModule, getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { Histogram, register } from 'prom-client';
import { QUEUE_JOB_DURATION_METRIC, QueueMetrics, queueMetricProviders } from '../../src/infra/metrics/queue.metrics';
import { QUEUES } from '../../src/infra/queues/queues';
import { deleteKeys } from '../network/utils/network-test-app';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';

jest.setTimeout(60_000);

describe('Bull job outcomes', () => {
  const prefix = testRedisPrefix(`-jobs-${randomUUID().slice(0, 8)}`);
  let context: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [BullModule.forRoot({ url: TEST_REDIS_URL, prefix }), BullModule.registerQueue({ name: QUEUES.WEBHOOKS })],
      providers: [QueueMetrics, ...queueMetricProviders],
    }).compile();
    context = await moduleRef.init();
    queue = context.get(getQueueToken(QUEUES.WEBHOOKS));
    // fails its first attempt of a job marked "flaky", every attempt of one marked "broken"
    void queue.process(async (job) => {
      if (job.data.kind === 'broken' || (job.data.kind === 'flaky' && job.attemptsMade === 0)) throw new Error(`${job.data.kind} job`);
    });
  });
  afterAll(async () => {
    await context?.close();
    await deleteKeys(`${prefix}:*`);
  });

  const count = async (outcome: string) =>
    (await (register.getSingleMetric(QUEUE_JOB_DURATION_METRIC) as Histogram<string>).get()).values.find(
      (v) => v.metricName === `${QUEUE_JOB_DURATION_METRIC}_count` && v.labels.queue === QUEUES.WEBHOOKS && v.labels.outcome === outcome,
    )?.value ?? 0;

  it('tells completed jobs, failed attempts that will be retried and jobs that failed for good apart', async () => {
    await queue.add({ kind: 'fine' });
    await queue.add({ kind: 'flaky' }, { attempts: 2 });
    await queue.add({ kind: 'broken' }, { attempts: 2 });
    const deadline = Date.now() + 30_000;
    while ((await count('completed')) < 2 || (await count('failed')) < 1) {
      if (Date.now() > deadline) throw new Error('the jobs did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect({ completed: await count('completed'), retried: await count('retried'), failed: await count('failed') }).toEqual({ completed: 2, retried: 2, failed: 1 });
  });
});
