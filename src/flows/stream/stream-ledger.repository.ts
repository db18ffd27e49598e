import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/** What the output stream carries for one flow of an entry. */
export interface StreamFlowResult {
  entryId: string;
  /** Position of the flow in its entry (0 for a `flow` entry). */
  index: number;
  id: string;
  flowId: string | null;
  label: string | null;
  confidence: number | null;
  alertId: string | null;
}

/** Some entries of a batch were committed by another consumer meanwhile; the batch was rolled back. */
export class EntriesAlreadyIngestedError extends Error {
  constructor(readonly entryIds: string[]) {
    super(`stream entries already ingested by another consumer: ${entryIds.slice(0, 5).join(', ')}`);
    this.name = 'EntriesAlreadyIngestedError';
  }
}

/**
 * The ledger of ingested stream entries (`stream_ingested`): written in the transaction of the entries' flows,
 * read before ingesting to skip (and re-publish) entries that were committed but not acknowledged.
 */
@Injectable()
export class StreamLedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The entries among `entryIds` already ingested, each with the results of its stored flows. */
  async findIngested(stream: string, entryIds: string[]): Promise<Map<string, StreamFlowResult[]>> {
    const found = new Map<string, StreamFlowResult[]>();
    if (entryIds.length === 0) return found;
    const rows: { entry_id: string; ord: string | null; id: string | null; flow_id: string | null; label: string | null; confidence: number | null; alert_id: string | null }[] =
      await this.dataSource.query(
        `SELECT s.entry_id, f.ord, f.id, f.flow_id, f.predicted_label AS label, f.confidence, f.alert_id
           FROM stream_ingested s
           LEFT JOIN LATERAL (
             SELECT u.ord, fl.id::text AS id, fl.flow_id, fl.predicted_label, fl.confidence, fl.alert_id::text AS alert_id
               FROM unnest(s.flow_ids) WITH ORDINALITY AS u(id, ord)
               JOIN flows fl ON fl.id = u.id AND fl.received_at = s.received_at) f ON true
          WHERE s.stream = $1 AND s.entry_id = ANY($2::text[])
          ORDER BY s.entry_id, f.ord`,
        [stream, entryIds],
      );
    for (const r of rows) {
      const results = found.get(r.entry_id) ?? [];
      found.set(r.entry_id, results);
      // flows of an entry past FLOW_RETENTION_DAYS are gone: the entry is still known as ingested
      if (r.id === null) continue;
      results.push({ entryId: r.entry_id, index: Number(r.ord) - 1, id: r.id, flowId: r.flow_id, label: r.label, confidence: r.confidence, alertId: r.alert_id });
    }
    return found;
  }

  /**
   * Records entries as ingested, in the caller's transaction (keys in one order: concurrent batches do not
   * deadlock). When another consumer committed one of them first, throws {@link EntriesAlreadyIngestedError}
   * (the caller's transaction then rolls back); a concurrent, uncommitted claim makes this wait for its outcome.
   */
  async record(client: PoolClient, stream: string, entries: { id: string; flowIds: string[] }[], receivedAt: Date): Promise<void> {
    const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { rows } = await client.query<{ entry_id: string }>(
      `INSERT INTO stream_ingested (stream, entry_id, received_at, flow_ids)
       SELECT $1, e, $2, f::bigint[] FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(e, f, n) ORDER BY n
       ON CONFLICT (stream, entry_id) DO NOTHING
       RETURNING entry_id`,
      [stream, receivedAt, sorted.map((e) => e.id), sorted.map((e) => `{${e.flowIds.join(',')}}`)],
    );
    if (rows.length === entries.length) return;
    const inserted = new Set(rows.map((r) => r.entry_id));
    throw new EntriesAlreadyIngestedError(sorted.map((e) => e.id).filter((id) => !inserted.has(id)));
  }

  /**
   * Forgets entries ingested more than `olderThanSeconds` ago, except those at or after `oldestPending` (the
   * oldest entry still pending in the group: it may be delivered again). Returns how many were removed.
   */
  async prune(stream: string, olderThanSeconds: number, oldestPending: string | null): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM stream_ingested
        WHERE stream = $1 AND ingested_at < now() - make_interval(secs => $2)
          AND ($3::text IS NULL
               OR (split_part(entry_id, '-', 1)::numeric, split_part(entry_id, '-', 2)::numeric)
                < (split_part($3, '-', 1)::numeric, split_part($3, '-', 2)::numeric))`,
      [stream, olderThanSeconds, oldestPending],
    );
    return result[1];
  }
}
