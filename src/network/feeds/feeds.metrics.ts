import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge } from 'prom-client';
import { FeedMetricsRow, FeedsRepository } from './feeds.repository';

export type RefreshOutcome = 'ok' | 'not_modified' | 'failed';

/** One database read serves the gauges of one scrape. */
class RowsCache {
  private at = 0;
  private rows: Promise<FeedMetricsRow[]> | null = null;

  get(feeds: FeedsRepository): Promise<FeedMetricsRow[]> {
    if (!this.rows || Date.now() - this.at > 1000) {
      this.at = Date.now();
      this.rows = feeds.metricsRows().catch(() => []);
    }
    return this.rows;
  }
}

const cache = new RowsCache();

/** A gauge per feed read from the database at scrape time: every instance reports the same values. */
function feedGauge(name: string, help: string, value: (r: FeedMetricsRow) => number | null) {
  return makeGaugeProvider({
    name,
    help,
    labelNames: ['feed'],
    inject: [FeedsRepository],
    async collect(this: Gauge<string>, feeds: FeedsRepository) {
      const rows = await cache.get(feeds);
      this.reset();
      for (const r of rows) {
        const v = value(r);
        if (v !== null) this.set({ feed: r.name }, v);
      }
    },
  });
}

export const feedMetricProviders = [
  makeCounterProvider({
    name: 'ids_feed_refreshes_total',
    help: 'Blocklist feed refreshes run by this process, by feed and outcome (ok, not_modified, failed)',
    labelNames: ['feed', 'outcome'],
  }),
  feedGauge(
    'ids_feed_entries',
    'Entries each blocklist feed holds (decisions, and firewall set members when enforced)',
    (r) => r.entries,
  ),
  feedGauge('ids_feed_refused_entries', 'Entries of each feed refused by the guards at its last refresh', (r) => r.refused),
  feedGauge(
    'ids_feed_last_success_timestamp_seconds',
    'Unix time of the last successful refresh (304 included) of each enabled URL feed; absent before the first',
    (r) => (r.refreshed && r.lastSuccessAt ? r.lastSuccessAt.getTime() / 1000 : null),
  ),
  feedGauge(
    'ids_feed_consecutive_failures',
    'Refreshes of each feed that failed in a row (0 after a success)',
    (r) => r.consecutiveFailures,
  ),
];

@Injectable()
export class FeedsMetrics {
  constructor(@InjectMetric('ids_feed_refreshes_total') private readonly refreshes: Counter<string>) {}

  refreshed(feed: string, outcome: RefreshOutcome): void {
    this.refreshes.inc({ feed, outcome });
  }
}
