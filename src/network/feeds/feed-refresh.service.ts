import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../core/domain-error';
import { ParsedTarget, parseTarget } from '../../core/net';
import { ownAddresses } from '../block-safety.service';
import { BlocklistFeedEntity } from './blocklist-feed.entity';
import { guardEntries } from './feed-guard';
import { FeedFetchError, FeedFetcher, FetchValidators } from './feed-fetcher';
import { parseFeed } from './feed-parser';
import { FeedsMetrics } from './feeds.metrics';
import { FeedsRepository } from './feeds.repository';

/** Most entries one feed may hold (the firewall sets are created for 1,048,576). */
export const MAX_FEED_ENTRIES = 1_000_000;

const NO_VALIDATORS: FetchValidators = { etag: null, lastModified: null };

/** A list that cannot be applied (nothing parsed, too many entries): a failed refresh, the entries stay. */
class FeedContentError extends Error {}

/**
 * Refreshes one feed: download (conditional GET) or take the uploaded text, parse, apply the guards, then make
 * the stored entries exactly the accepted ones in one transaction. A failure (download, unreadable list) is
 * recorded in the feed's status and counted; the entries stay as they were.
 */
@Injectable()
export class FeedRefreshService {
  private readonly logger = new Logger(FeedRefreshService.name);
  private readonly management: ParsedTarget[];

  constructor(
    private readonly feeds: FeedsRepository,
    private readonly fetcher: FeedFetcher,
    private readonly metrics: FeedsMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.management = config.get('network.managementCidrs', { infer: true }).map((c) => parseTarget(c));
  }

  /** `content` for an uploaded list; without it a URL feed is downloaded and an uploaded one re-guarded. */
  async refresh(id: string, content?: string): Promise<BlocklistFeedEntity> {
    const feed = await this.feeds.findById(id);
    if (!feed) throw DomainError.notFound('Blocklist feed', id);
    try {
      if (content !== undefined) await this.apply(feed, content, NO_VALIDATORS);
      else if (feed.url) await this.download(feed, feed.url);
      else await this.apply(feed, (await this.feeds.entryValues(id)).join('\n'), NO_VALIDATORS, feed.format);
    } catch (error) {
      if (!(error instanceof FeedFetchError || error instanceof FeedContentError)) throw error;
      await this.fail(feed, error.message);
    }
    return (await this.feeds.findById(id)) ?? feed;
  }

  private async download(feed: BlocklistFeedEntity, url: string): Promise<void> {
    const result = await this.fetcher.fetch(url, { etag: feed.etag, lastModified: feed.lastModified });
    if (!result.modified) {
      await this.feeds.update(this.feeds.manager, feed.id, {
        lastStatus: 'not_modified',
        lastError: null,
        lastRefreshAt: new Date(),
        lastSuccessAt: new Date(),
        consecutiveFailures: 0,
      });
      this.metrics.refreshed(feed.name, 'not_modified');
      return;
    }
    await this.apply(feed, result.text, { etag: result.etag, lastModified: result.lastModified });
  }

  /** `keepFormat`: re-checking stored entries of an upload, which no longer look like the original list. */
  private async apply(
    feed: BlocklistFeedEntity,
    text: string,
    validators: FetchValidators,
    keepFormat?: string | null,
  ): Promise<void> {
    const parsed = parseFeed(text);
    if (parsed.entries.length === 0 && parsed.invalid > 0) {
      const first = parsed.invalidSamples[0];
      throw new FeedContentError(`no address or CIDR in the list (${parsed.invalid} unreadable lines; ${first})`);
    }
    if (parsed.entries.length > MAX_FEED_ENTRIES) {
      throw new FeedContentError(`${parsed.entries.length} entries: more than ${MAX_FEED_ENTRIES}`);
    }
    const allowlist = (await this.feeds.activeAllowlist()).map((c) => parseTarget(c));
    const guarded = guardEntries(parsed.entries, { own: ownAddresses(), management: this.management, allowlist });
    const values = guarded.accepted.map((t) => t.canonical);
    const diff = await this.feeds.manager.transaction(async (m) => {
      await this.feeds.lockFeed(m, feed.id);
      const changed = await this.feeds.replaceEntries(m, feed.id, values);
      await this.feeds.update(m, feed.id, {
        format: keepFormat === undefined ? parsed.format : keepFormat,
        ...(keepFormat === undefined ? { contentSha256: createHash('sha256').update(text).digest('hex') } : {}),
        etag: validators.etag,
        lastModified: validators.lastModified,
        entryCount: values.length,
        refusedCount: guarded.refusedTotal,
        invalidCount: parsed.invalid,
        refused: guarded.refused as Record<string, number>,
        samples: [...guarded.refusedSamples, ...parsed.invalidSamples],
        lastAdded: changed.added,
        lastRemoved: changed.removed,
        ...(changed.added + changed.removed > 0 ? { entriesVersion: () => 'entries_version + 1' } : {}),
        lastStatus: 'ok',
        lastError: null,
        lastRefreshAt: new Date(),
        lastSuccessAt: new Date(),
        consecutiveFailures: 0,
      } as Partial<BlocklistFeedEntity>);
      return changed;
    });
    this.metrics.refreshed(feed.name, 'ok');
    if (diff.added + diff.removed > 0 || guarded.refusedTotal > 0) {
      this.logger.log(
        `Feed ${feed.name}: ${values.length} entries (+${diff.added} -${diff.removed}), ` +
          `${guarded.refusedTotal} refused, ${parsed.invalid} unreadable`,
      );
    }
  }

  private async fail(feed: BlocklistFeedEntity, message: string): Promise<void> {
    this.logger.warn(`Feed ${feed.name} refresh failed: ${message}`);
    await this.feeds.update(this.feeds.manager, feed.id, {
      lastStatus: 'failed',
      lastError: message.slice(0, 500),
      lastRefreshAt: new Date(),
      consecutiveFailures: () => 'consecutive_failures + 1',
      refreshFailures: () => 'refresh_failures + 1',
    } as unknown as Partial<BlocklistFeedEntity>);
    this.metrics.refreshed(feed.name, 'failed');
  }
}
