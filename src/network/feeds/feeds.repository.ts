import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { BlocklistFeedEntity } from './blocklist-feed.entity';

export interface EntriesDiff {
  added: number;
  removed: number;
}

/** What the worker needs to keep one feed's firewall set in line. */
export interface EnforcedFeed {
  id: string;
  name: string;
  entriesVersion: number;
}

export interface FeedMetricsRow {
  name: string;
  entries: number;
  refused: number;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
  /** An enabled URL feed: the only kind that is refreshed, so the only kind that can go stale. */
  refreshed: boolean;
}

/** Owner of `blocklist_feeds` and `blocklist_feed_entries`; reads the active allowlist for the guards. */
@Injectable()
export class FeedsRepository {
  constructor(@InjectRepository(BlocklistFeedEntity) private readonly repo: Repository<BlocklistFeedEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  findAll(): Promise<BlocklistFeedEntity[]> {
    return this.repo.find({ order: { id: 'ASC' } });
  }

  findById(id: string, m: EntityManager = this.manager): Promise<BlocklistFeedEntity | null> {
    return m.getRepository(BlocklistFeedEntity).findOne({ where: { id } });
  }

  nameTaken(m: EntityManager, name: string, exceptId?: string): Promise<boolean> {
    const qb = m.getRepository(BlocklistFeedEntity).createQueryBuilder('f').where('f.name = :name', { name });
    if (exceptId) qb.andWhere('f.id <> :exceptId', { exceptId });
    return qb.getExists();
  }

  async insert(m: EntityManager, values: Partial<BlocklistFeedEntity>): Promise<BlocklistFeedEntity> {
    const repo = m.getRepository(BlocklistFeedEntity);
    const { identifiers } = await repo.insert(values);
    return repo.findOneOrFail({ where: { id: String(identifiers[0].id) } });
  }

  async update(m: EntityManager, id: string, values: Partial<BlocklistFeedEntity>): Promise<void> {
    await m.getRepository(BlocklistFeedEntity).update({ id }, { ...values, updatedAt: () => 'now()' } as never);
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.getRepository(BlocklistFeedEntity).delete({ id });
  }

  /** Serialises refreshes of one feed (a manual refresh during a scheduled one) until the transaction ends. */
  async lockFeed(m: EntityManager, id: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('blocklist_feeds'), $1::int)`, [Number(id) % 2_147_483_647]);
  }

  /**
   * Makes the feed's entries exactly `values` in one statement: deletes those that left, inserts the new ones
   * (existing rows keep their ids, so bouncers see no change for them).
   */
  async replaceEntries(m: EntityManager, feedId: string, values: readonly string[]): Promise<EntriesDiff> {
    const [row]: { added: string; removed: string }[] = await m.query(
      `WITH incoming AS (SELECT DISTINCT v AS value FROM unnest($2::varchar[]) AS v),
            gone AS (
              DELETE FROM blocklist_feed_entries e
               WHERE e.feed_id = $1 AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.value = e.value)
              RETURNING 1),
            fresh AS (
              INSERT INTO blocklist_feed_entries (feed_id, value)
              SELECT $1, i.value FROM incoming i
               WHERE NOT EXISTS (SELECT 1 FROM blocklist_feed_entries e WHERE e.feed_id = $1 AND e.value = i.value)
              ON CONFLICT (feed_id, value) DO NOTHING
              RETURNING 1)
       SELECT (SELECT count(*) FROM fresh) AS added, (SELECT count(*) FROM gone) AS removed`,
      [feedId, values],
    );
    return { added: Number(row.added), removed: Number(row.removed) };
  }

  async entryValues(feedId: string): Promise<string[]> {
    const rows: { value: string }[] = await this.manager.query(
      `SELECT value FROM blocklist_feed_entries WHERE feed_id = $1 ORDER BY id`,
      [feedId],
    );
    return rows.map((r) => r.value);
  }

  /** Active allowlist entries, as PostgreSQL prints a cidr. */
  async activeAllowlist(m: EntityManager = this.manager): Promise<string[]> {
    const rows: { cidr: string }[] = await m.query(
      `SELECT cidr::text AS cidr FROM allowlist_entries WHERE expires_at IS NULL OR expires_at > now()`,
    );
    return rows.map((r) => r.cidr);
  }

  /**
   * Claims the most overdue URL feed, if any, by moving its next refresh one period on; across instances
   * `SKIP LOCKED` hands each due feed to one of them.
   */
  async claimDue(): Promise<string | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected]
    const [rows]: [{ id: string }[], number] = await this.manager.query(
      `UPDATE blocklist_feeds f SET next_refresh_at = now() + make_interval(secs => f.refresh_seconds)
        WHERE f.id = (SELECT id FROM blocklist_feeds
                       WHERE url IS NOT NULL AND enabled AND (next_refresh_at IS NULL OR next_refresh_at <= now())
                       ORDER BY next_refresh_at NULLS FIRST LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING f.id::text AS id`,
    );
    return rows[0]?.id ?? null;
  }

  async findEnforced(): Promise<EnforcedFeed[]> {
    const rows: { id: string; name: string; entries_version: number }[] = await this.manager.query(
      `SELECT id::text AS id, name, entries_version FROM blocklist_feeds
        WHERE enforce_firewall AND enabled ORDER BY id`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, entriesVersion: r.entries_version }));
  }

  async metricsRows(): Promise<FeedMetricsRow[]> {
    const rows: {
      name: string;
      entry_count: number;
      refused_count: number;
      last_success_at: Date | null;
      consecutive_failures: number;
      refreshed: boolean;
    }[] = await this.manager.query(
      `SELECT name, entry_count, refused_count, last_success_at, consecutive_failures,
              (url IS NOT NULL AND enabled) AS refreshed
         FROM blocklist_feeds`,
    );
    return rows.map((r) => ({
      name: r.name,
      entries: r.entry_count,
      refused: r.refused_count,
      lastSuccessAt: r.last_success_at,
      consecutiveFailures: r.consecutive_failures,
      refreshed: r.refreshed,
    }));
  }
}
