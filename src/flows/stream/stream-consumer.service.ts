import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import Redis from 'ioredis';
import { isDependencyUnavailable } from '../../core/dependency-unavailable';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { ReadinessRegistry } from '../../infra/health/readiness.registry';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';
import { FAIL_FAST_REDIS_OPTIONS, logConnectionState } from '../../infra/redis/redis-options';
import { IngestStreamClient, StreamSettings } from './ingest-stream.client';
import { StreamBatchService } from './stream-batch.service';
import { StreamEntry } from './stream-entry';
import { StreamLedgerRepository } from './stream-ledger.repository';
import { ReadVia, StreamMetrics } from './stream-metrics';
import { pendingSummaryOf } from './stream-replies';

interface Batch {
  entries: StreamEntry[];
  via: ReadVia;
  /** Failed attempts of this batch in this process. */
  attempts: number;
}

export interface StreamConsumerStatus {
  consumer: string;
  running: boolean;
  lastBatchAt: Date | null;
  lastError: { message: string; at: Date } | null;
  /** Entries this consumer holds for another attempt after a failure. */
  retrying: number;
}

/** An entry whose ingest fails this often with an error that is not an outage is dead-lettered. */
const MAX_FAILED_ATTEMPTS = 3;
/** Longest pause between two attempts while PostgreSQL or Redis is down (a Redis reconnection ends it at once). */
const MAX_BACKOFF_MS = 5_000;
const TRANSIENT_PG_CODES = new Set(['40001', '40P01', '53000', '53100', '53200', '53300', '57014']);

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Outages and saturation: retried for as long as they last, never a reason to dead-letter an entry. */
export function isTransient(e: unknown): boolean {
  if (e instanceof DomainError) return e.code === ErrorCode.OVERLOADED || e.code === ErrorCode.DEPENDENCY_UNAVAILABLE;
  const code = (e as { code?: unknown })?.code;
  return (typeof code === 'string' && TRANSIENT_PG_CODES.has(code)) || isDependencyUnavailable(e);
}

/**
 * Consumes the ingest stream with a consumer group: reads batches (blocking XREADGROUP on its own connection), persists
 * each exactly once through {@link StreamBatchService}, then publishes the results, dead-letters the invalid entries
 * and acknowledges them in one MULTI. Entries left pending by a dead consumer are reclaimed with XAUTOCLAIM at start-up
 * and every INGEST_STREAM_CLAIM_INTERVAL_MS, after which consumers idle beyond INGEST_STREAM_CONSUMER_MAX_IDLE_MS with
 * nothing pending are removed from the group. A failed batch stays pending and is retried with back-off; when the
 * failure is not an outage the batch is retried entry by entry, and an entry that keeps failing is dead-lettered. On
 * shutdown the loop stops reading, finishes and acknowledges the batch in flight, then closes its connection (before
 * the database pool closes).
 */
@Injectable()
export class StreamConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamConsumerService.name);
  private readonly settings: StreamSettings;
  private client: IngestStreamClient | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly retries: Batch[] = [];
  private groupReady = false;
  private ownBacklog = true;
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private failures = 0;
  private lastError: StreamConsumerStatus['lastError'] = null;
  private lastBatchAt: Date | null = null;

  constructor(
    private readonly batches: StreamBatchService,
    private readonly ledger: StreamLedgerRepository,
    private readonly metrics: StreamMetrics,
    private readonly readiness: ReadinessRegistry,
    private readonly config: ConfigService<AppConfig, true>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.settings = config.get('ingestStream', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.readiness.register('stream-consumer', async () => this.probe());
    const connection = new Redis(this.config.get('redis.url', { infer: true }), {
      ...FAIL_FAST_REDIS_OPTIONS,
      connectionName: 'ids-stream-consumer',
    });
    logConnectionState(connection, this.logger, 'stream connection');
    // Redis is back: the loop stops backing off and reads again now
    connection.on('ready', () => this.wake?.());
    this.client = new IngestStreamClient(connection, this.settings);
    this.logger.log(`consuming ${this.settings.key} as ${this.settings.group}/${this.settings.consumer}`);
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops reading, lets the batch in flight finish (commit, publish, XACK), and closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.client?.close();
    this.client = null;
  }

  status(): StreamConsumerStatus {
    return {
      consumer: this.settings.consumer,
      running: this.loop !== null && !this.stopping,
      lastBatchAt: this.lastBatchAt,
      lastError: this.lastError,
      retrying: this.retries.reduce((n, b) => n + b.entries.length, 0),
    };
  }

  /** Forgets ingested entry ids past the retention, keeping any that could still be delivered again. */
  @Cron(CronExpression.EVERY_MINUTE)
  async pruneLedger(): Promise<number> {
    if (!this.settings.enabled) return 0;
    try {
      const pending = pendingSummaryOf(await this.redis.xpending(this.settings.key, this.settings.group));
      return await this.ledger.prune(this.settings.key, this.settings.dedupRetentionSeconds, pending.minId);
    } catch (e) {
      this.logger.warn(`stream ledger not pruned: ${(e as Error).message}`);
      return 0;
    }
  }

  private async probe(): Promise<Record<string, unknown>> {
    if (!this.loop || this.stopping) throw new Error('the stream consumer is not running');
    if (this.failures > 0) throw new Error(`the last stream batch failed: ${this.lastError?.message}`);
    return { consumer: this.settings.consumer, last_batch_at: this.lastBatchAt?.toISOString() ?? null };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.step(this.client!);
        this.failures = 0;
      } catch (e) {
        this.failures++;
        this.noteError(e);
        this.logger.warn(`stream batch failed (attempt ${this.failures}): ${this.lastError!.message}`);
        await this.sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures, 8)));
      }
    }
  }

  /** One unit of work: a retry, this consumer's own pending entries, a reclaim, or a read of new entries. */
  private async step(client: IngestStreamClient): Promise<void> {
    if (!this.groupReady) {
      await client.ensureGroup();
      this.groupReady = true;
    }
    const retry = this.retries.shift();
    if (retry) return this.handle(retry);
    if (this.ownBacklog) {
      const entries = await client.read('own-pending');
      this.metrics.entriesRead('claim', entries.length);
      if (entries.length === 0) this.ownBacklog = false;
      else return this.handle({ entries, via: 'claim', attempts: 0 });
    }
    if (Date.now() >= this.nextClaimAt) return this.reclaim(client);
    const entries = await client.read('new');
    this.metrics.entriesRead('read', entries.length);
    if (entries.length) await this.handle({ entries, via: 'read', attempts: 0 });
  }

  /** XAUTOCLAIM from the cursor; entries delivered too often are dead-lettered rather than tried again. */
  private async reclaim(client: IngestStreamClient): Promise<void> {
    const reply = await client.claim(this.claimCursor);
    this.claimCursor = reply.next;
    if (reply.next === '0-0') {
      this.nextClaimAt = Date.now() + this.settings.claimIntervalMs;
      await this.removeDeadConsumers(client);
    }
    if (reply.entries.length === 0) return;
    this.metrics.entriesRead('claim', reply.entries.length);
    this.logger.warn(`reclaimed ${reply.entries.length} stream entries left pending by another consumer`);
    const deliveries = await client.deliveries(reply.entries.map((e) => e.id));
    const tooOften = reply.entries.filter((e) => (deliveries.get(e.id) ?? 0) > this.settings.maxDeliveries);
    if (tooOften.length) {
      const dead = tooOften.map((entry) => ({ entry, reason: `delivered ${deliveries.get(entry.id)} times without being processed` }));
      await client.complete({ results: [], dead, ackIds: tooOften.map((e) => e.id) }, this.settings.consumer);
      this.metrics.entriesDead('deliveries', dead.length);
      this.metrics.entriesAcked(dead.length);
    }
    const rest = reply.entries.filter((e) => !tooOften.includes(e));
    if (rest.length) await this.handle({ entries: rest, via: 'claim', attempts: 0 });
  }

  /** Consumers of crashed processes, once their pending entries are reclaimed, leave the group (and the gauge). */
  private async removeDeadConsumers(client: IngestStreamClient): Promise<void> {
    try {
      const removed = await client.removeIdleConsumers(this.settings.consumerMaxIdleMs);
      if (removed.length) this.logger.warn(`removed idle stream consumers without pending entries: ${removed.join(', ')}`);
    } catch (e) {
      this.logger.warn(`idle stream consumers not removed: ${messageOf(e)}`);
    }
  }

  private async handle(batch: Batch): Promise<void> {
    const done = this.metrics.batchTimer();
    let committed = false;
    try {
      const persisted = await this.batches.persist(batch.entries);
      committed = true;
      await this.client!.complete(persisted, this.settings.consumer);
      this.metrics.entriesDead('invalid', persisted.dead.length);
      this.metrics.entriesAcked(persisted.ackIds.length);
      if (persisted.replayed) this.logger.log(`${persisted.replayed} stream entries were already ingested: acknowledged, results published again`);
      this.failures = 0;
      this.lastBatchAt = new Date();
    } catch (e) {
      // a failure after the commit is Redis's: the batch is retried, found in the ledger, and only published
      if (!(await this.retryLater(batch, e, committed || isTransient(e)))) throw e;
      this.noteError(e);
      this.failures = 0;
    } finally {
      done();
    }
  }

  /**
   * Keeps a failed batch for another attempt (it stays pending in the group meanwhile) and returns false; or
   * dead-letters it and returns true. An outage is retried as is; any other failure is retried entry by entry,
   * and an entry that fails MAX_FAILED_ATTEMPTS times is dead-lettered with the error, so one poisonous entry
   * cannot stop the stream.
   */
  private async retryLater(batch: Batch, error: unknown, transient: boolean): Promise<boolean> {
    batch.attempts++;
    if (transient || this.stopping || (batch.entries.length === 1 && batch.attempts < MAX_FAILED_ATTEMPTS)) {
      this.retries.unshift(batch);
      return false;
    }
    if (batch.entries.length > 1) {
      this.retries.unshift(...batch.entries.map((entry) => ({ entries: [entry], via: batch.via, attempts: 0 })));
      return false;
    }
    const [entry] = batch.entries;
    const reason = `ingest failed ${batch.attempts} times: ${messageOf(error)}`.slice(0, 1000);
    try {
      await this.client!.complete({ results: [], dead: [{ entry, reason }], ackIds: [entry.id] }, this.settings.consumer);
    } catch {
      this.retries.unshift(batch);
      return false;
    }
    this.metrics.entriesDead('failed', 1);
    this.metrics.entriesAcked(1);
    this.logger.error(`stream entry ${entry.id} dead-lettered: ${reason}`);
    return true;
  }

  private noteError(e: unknown): void {
    this.lastError = { message: messageOf(e).slice(0, 500), at: new Date() };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
