import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** Rows deleted per statement: short transactions, so ingest's upserts into the same tables never wait long. */
const PRUNE_CHUNK = 10_000;

/**
 * Deletes the per-minute and per-hour-per-address rollups older than STATS_RETENTION_DAYS, hourly (worker role).
 * The per-address table grows with every distinct address each hour; without this it would grow without bound.
 */
@Injectable()
export class StatsRetention {
  private readonly logger = new Logger(StatsRetention.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async prune(): Promise<{ minute: number; sourcesHour: number }> {
    const days = this.config.get('stats.retentionDays', { infer: true });
    try {
      const minute = await this.pruneTable('stats_minute', days);
      const sourcesHour = await this.pruneTable('stats_sources_hour', days);
      if (minute + sourcesHour) this.logger.log(`statistics rollups past ${days} days deleted: ${minute + sourcesHour} rows`);
      return { minute, sourcesHour };
    } catch (e) {
      this.logger.warn(`statistics rollups not pruned: ${(e as Error).message}`);
      return { minute: 0, sourcesHour: 0 };
    }
  }

  private async pruneTable(table: 'stats_minute' | 'stats_sources_hour', days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, count] = (await this.dataSource.query(
        `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM ${table} WHERE bucket < now() - make_interval(days => $1) LIMIT ${PRUNE_CHUNK}))`,
        [days],
      )) as [unknown, number];
      total += count;
      if (count < PRUNE_CHUNK) return total;
    }
  }
}
