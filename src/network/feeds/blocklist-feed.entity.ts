import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type FeedStatus = 'never' | 'ok' | 'not_modified' | 'failed';

/**
 * A blocklist subscribed to by URL (refreshed every `refresh_seconds`) or uploaded (url null). Its accepted entries
 * live in `blocklist_feed_entries`; the counts and the last refresh's outcome are kept here for its status.
 */
@Entity('blocklist_feeds')
export class BlocklistFeedEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ name: 'refresh_seconds', type: 'integer', nullable: true })
  refreshSeconds: number | null;

  @Column({ name: 'enforce_firewall', type: 'boolean', default: false })
  enforceFirewall: boolean;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 16, nullable: true })
  format: string | null;

  @Column({ type: 'text', nullable: true })
  etag: string | null;

  @Column({ name: 'last_modified', type: 'text', nullable: true })
  lastModified: string | null;

  @Column({ name: 'content_sha256', type: 'char', length: 64, nullable: true })
  contentSha256: string | null;

  @Column({ name: 'entry_count', type: 'integer', default: 0 })
  entryCount: number;

  @Column({ name: 'refused_count', type: 'integer', default: 0 })
  refusedCount: number;

  @Column({ name: 'invalid_count', type: 'integer', default: 0 })
  invalidCount: number;

  @Column({ type: 'jsonb', default: {} })
  refused: Record<string, number>;

  @Column({ type: 'jsonb', default: [] })
  samples: string[];

  @Column({ name: 'last_added', type: 'integer', default: 0 })
  lastAdded: number;

  @Column({ name: 'last_removed', type: 'integer', default: 0 })
  lastRemoved: number;

  /** Bumped whenever the entries change: the worker rewrites the feed's firewall set when it moved. */
  @Column({ name: 'entries_version', type: 'integer', default: 0 })
  entriesVersion: number;

  @Column({ name: 'last_status', type: 'varchar', length: 16, default: 'never' })
  lastStatus: FeedStatus;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_refresh_at', type: 'timestamptz', nullable: true })
  lastRefreshAt: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'refresh_failures', type: 'integer', default: 0 })
  refreshFailures: number;

  @Column({ name: 'next_refresh_at', type: 'timestamptz', nullable: true })
  nextRefreshAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
