import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NetworkModule } from '../network.module';
import { BlocklistFeedEntity } from './blocklist-feed.entity';
import { feedFirewallProvider } from './feed-firewall.provider';
import { FeedFetcher } from './feed-fetcher';
import { FeedRefreshService } from './feed-refresh.service';
import { FeedsController } from './feeds.controller';
import { FeedsMetrics, feedMetricProviders } from './feeds.metrics';
import { FeedsRepository } from './feeds.repository';
import { FeedsService } from './feeds.service';

/**
 * Blocklist feeds: subscriptions by URL or upload whose entries are CrowdSec decisions (read by the decisions
 * API from `blocklist_feed_entries`) and, per feed, optionally one firewall set.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BlocklistFeedEntity]), NetworkModule],
  controllers: [FeedsController],
  providers: [
    FeedsRepository,
    FeedFetcher,
    FeedRefreshService,
    FeedsService,
    FeedsMetrics,
    ...feedMetricProviders,
    feedFirewallProvider,
  ],
  exports: [FeedsRepository, FeedRefreshService, feedFirewallProvider],
})
export class FeedsModule {}
