import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { IngestRequestsRepository } from './ingest/idempotency';

/**
 * Keeps the daily partitions of `flows`: today's and the next two days' exist ahead of time (at start-up and
 * hourly), and partitions older than FLOW_RETENTION_DAYS are dropped (whole partitions: no row-by-row delete).
 * Hourly too, answers kept for Idempotency-Key retries are deleted after INGEST_IDEMPOTENCY_HOURS.
 */
@Injectable()
export class FlowPartitionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FlowPartitionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly ingestRequests: IngestRequestsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.maintain().catch((e) => this.logger.warn(`partition maintenance failed: ${(e as Error).message}`));
  }

  @Cron(CronExpression.EVERY_HOUR)
  async maintain(): Promise<{ created: string[]; dropped: string[]; answersPruned: number }> {
    const created = await this.ensureAhead(2);
    const dropped = await this.dropOlderThan(this.config.get('ingest.retentionDays', { infer: true }));
    if (dropped.length) this.logger.log(`dropped flow partitions past retention: ${dropped.join(', ')}`);
    const answersPruned = await this.ingestRequests.prune(this.config.get('ingest.idempotencyHours', { infer: true }));
    return { created, dropped, answersPruned };
  }

  async ensureAhead(days: number): Promise<string[]> {
    const rows: { part: string }[] = await this.dataSource.query(
      `SELECT ids_ensure_flow_partition((now() AT TIME ZONE 'UTC')::date + d) AS part FROM generate_series(0, $1) d`,
      [days],
    );
    return rows.map((r) => r.part);
  }

  /** Drops the daily partitions whose whole day is older than `days` days. */
  async dropOlderThan(days: number): Promise<string[]> {
    const parts: { name: string }[] = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'flows'::regclass AND c.relname ~ '^flows_[0-9]{8}$'
          AND to_date(substring(c.relname from 7), 'YYYYMMDD') < (now() AT TIME ZONE 'UTC')::date - $1::int
        ORDER BY 1`,
      [days],
    );
    for (const { name } of parts) await this.dataSource.query(`DROP TABLE IF EXISTS "${name}"`);
    return parts.map((p) => p.name);
  }
}
