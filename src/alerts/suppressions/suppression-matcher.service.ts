import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import { PoolClient } from 'pg';
import { Counter } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { logConnectionState, redisReconnectDelay } from '../../infra/redis/redis-options';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';
import { SUPPRESSED_METRIC } from './suppression.metrics';
import { EMPTY_RULE_SET, SuppressibleVerdict, SuppressionRuleSet } from './suppression-rules';
import { HitCount, SuppressionRulesRepository } from './suppression-rules.repository';
import { canonicalCidr } from './dto/suppression.dto';

/** A batch's suppressed alert verdicts: the rule per item (null: not suppressed) and the counts to record. */
export interface SuppressedBatch {
  ruleOf: (string | null)[];
  hits: HitCount[];
}

/** Re-read of the rules when no change signal came (a missed pub/sub message, a rule edited in SQL). */
const REFRESH_MS = 60_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The suppression rules in force, in memory, for the ingest path: matching a batch costs a map lookup per alert
 * verdict and nothing when no rule exists. Reloaded on every change (this process at once, the others over Redis
 * pub/sub), at the next expiry, and every minute.
 */
@Injectable()
export class SuppressionMatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SuppressionMatcher.name);
  private readonly channel: string;
  private rules: SuppressionRuleSet = EMPTY_RULE_SET;
  private subscriber: Redis | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(
    private readonly repo: SuppressionRulesRepository,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: ConfigService<AppConfig, true>,
    @InjectMetric(SUPPRESSED_METRIC) private readonly suppressed: Counter<string>,
  ) {
    this.channel = `${config.get('redis.keyPrefix', { infer: true })}:alerts:suppressions-changed`;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.refreshTimer = setInterval(() => void this.reload(), REFRESH_MS).unref();
    const subscriber = new Redis(this.config.get('redis.url', { infer: true }), { retryStrategy: redisReconnectDelay, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    logConnectionState(subscriber, this.logger, 'suppression rule changes');
    // (re)subscribed: changes published meanwhile never reached this process
    subscriber.on('ready', () => void this.reload());
    subscriber.on('message', (channel: string) => channel === this.channel && void this.reload());
    subscriber.subscribe(this.channel).catch((e: Error) => this.logger.warn(`suppression changes not subscribed: ${e.message}`));
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
  }

  /** After a committed change: reloads here and tells the other processes. Never throws. */
  async changed(): Promise<void> {
    await this.reload();
    await this.redis.publish(this.channel, 'changed').catch((e: Error) => this.logger.warn(`suppression change not published: ${e.message}`));
  }

  /** Which of `items`' alert verdicts a rule suppresses; null when none is (the common case). */
  match(items: readonly { alert: SuppressibleVerdict | null }[], at = new Date()): SuppressedBatch | null {
    if (this.rules.size === 0) return null;
    const now = at.getTime();
    let ruleOf: (string | null)[] | null = null;
    const counts = new Map<string, HitCount>();
    for (let i = 0; i < items.length; i++) {
      const alert = items[i].alert;
      const rule = alert && this.rules.match(alert, now);
      if (!rule) continue;
      ruleOf ??= items.map(() => null);
      ruleOf[i] = rule;
      const key = `${rule}|${alert.attackType}`;
      const count = counts.get(key);
      if (count) count.hits++;
      else counts.set(key, { ruleId: rule, attackType: alert.attackType, hits: 1, at });
    }
    return ruleOf ? { ruleOf, hits: [...counts.values()] } : null;
  }

  /** Records the batch's hits in the ingest transaction on `client`. */
  record(client: PoolClient, batch: SuppressedBatch): Promise<void> {
    return this.repo.recordHits(client, batch.hits);
  }

  /** Counts the committed batch's suppressed verdicts on the metric. */
  committed(batch: SuppressedBatch): void {
    for (const h of batch.hits) this.suppressed.inc({ rule: h.ruleId }, h.hits);
  }

  /** One load at a time; a change signalled during a load loads again after it. */
  private reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = null;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        void this.reload();
      }
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const rows = await this.repo.findInForce();
      this.rules = new SuppressionRuleSet(
        rows.map((r) => ({
          id: r.id,
          attackType: r.attackType,
          srcCidr: r.srcCidr === null ? null : canonicalCidr(r.srcCidr),
          dstCidr: r.dstCidr === null ? null : canonicalCidr(r.dstCidr),
          dstPort: r.dstPort,
          expiresAt: r.expiresAt,
        })),
      );
      this.scheduleExpiry();
    } catch (e) {
      // the rules held so far stay in force; the minute's refresh tries again
      this.logger.warn(`suppression rules not reloaded: ${(e as Error).message}`);
    }
  }

  /** Drops an expired rule from memory at its expiry (matching already skips it from that instant). */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (this.rules.nextExpiry === Infinity) return;
    const delay = Math.min(Math.max(this.rules.nextExpiry - Date.now(), 0) + 10, MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => void this.reload(), delay).unref();
  }
}
