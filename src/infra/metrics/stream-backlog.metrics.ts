import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import Redis from 'ioredis';
import { Gauge } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { withTimeout } from '../health/readiness.registry';
import { REDIS_CLIENT } from '../redis/redis.constants';

export const STREAM_BACKLOG_METRICS = {
  length: 'ids_stream_length_entries',
  lag: 'ids_stream_lag_entries',
  pending: 'ids_stream_pending_entries',
  consumers: 'ids_stream_consumers',
} as const;

interface Backlog {
  lengths: { ingest: number; dead_letter: number; output: number };
  /** Null when the consumer group does not exist yet (or Redis cannot tell its lag). */
  group: { lag: number | null; pending: number; consumers: number } | null;
}

const READ_TIMEOUT_MS = 1000;

/** A flat `[name, value, …]` XINFO reply as a record. */
function fields(flat: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(flat)) for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

/**
 * The Redis Streams ingest backlog, read at scrape time: stream lengths and the consumer group's lag (entries not
 * yet delivered), pending entries (delivered, not acknowledged) and live consumers. The gauges of one scrape share one
 * read; every instance reports the same figures (aggregate them with `max`).
 */
@Injectable()
export class StreamBacklog {
  private inFlight: Promise<Backlog | null> | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Sets one gauge from the current backlog; without a reading (stream ingest off, Redis down) it has no series. */
  async collect(gauge: Gauge<string>, set: (gauge: Gauge<string>, backlog: Backlog) => void): Promise<void> {
    gauge.reset();
    const backlog = await this.read();
    if (backlog) set(gauge, backlog);
  }

  private read(): Promise<Backlog | null> {
    this.inFlight ??= this.query()
      .catch(() => null)
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async query(): Promise<Backlog | null> {
    const { enabled, key, deadKey, outKey, group, consumerMaxIdleMs } = this.config.get('ingestStream', { infer: true });
    if (!enabled) return null;
    const [ingest, dead, output, groups, consumers] = await withTimeout(
      Promise.all([
        this.redis.xlen(key),
        this.redis.xlen(deadKey),
        this.redis.xlen(outKey),
        (this.redis.xinfo('GROUPS', key) as Promise<unknown[]>).catch(() => []),
        (this.redis.xinfo('CONSUMERS', key, group) as Promise<unknown[]>).catch(() => []),
      ]),
      READ_TIMEOUT_MS,
      'stream backlog',
    );
    const info = groups.map(fields).find((g) => g.name === group);
    const lag = info?.lag;
    // a crashed consumer stays in the group until a live one removes it: only recent ones count
    const live = consumers.map(fields).filter((c) => Number(c.idle ?? Infinity) <= consumerMaxIdleMs).length;
    return {
      lengths: { ingest, dead_letter: dead, output },
      group: info ? { lag: lag === null || lag === undefined ? null : Number(lag), pending: Number(info.pending ?? 0), consumers: live } : null,
    };
  }
}

const backlogGauge = (name: string, help: string, set: (gauge: Gauge<string>, backlog: Backlog) => void, labelNames: string[] = []) =>
  makeGaugeProvider({
    name,
    help,
    labelNames,
    inject: [StreamBacklog],
    collect(this: Gauge<string>, backlog: StreamBacklog) {
      return backlog.collect(this, set);
    },
  });

export const streamBacklogMetricProviders = [
  backlogGauge(
    STREAM_BACKLOG_METRICS.length,
    'Entries in the ingest stream, its dead-letter stream and its output stream (XLEN)',
    (g, b) => Object.entries(b.lengths).forEach(([stream, n]) => g.set({ stream }, n)),
    ['stream'],
  ),
  backlogGauge(STREAM_BACKLOG_METRICS.lag, 'Ingest stream entries not yet delivered to the consumer group', (g, b) => {
    if (b.group?.lag !== null && b.group?.lag !== undefined) g.set(b.group.lag);
  }),
  backlogGauge(STREAM_BACKLOG_METRICS.pending, 'Ingest stream entries delivered to a consumer and not yet acknowledged', (g, b) => {
    if (b.group) g.set(b.group.pending);
  }),
  backlogGauge(STREAM_BACKLOG_METRICS.consumers, 'Live consumers of the ingest stream group (idle at most INGEST_STREAM_CONSUMER_MAX_IDLE_MS)', (g, b) => {
    if (b.group) g.set(b.group.consumers);
  }),
];
