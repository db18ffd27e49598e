import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set on an answer given again for a repeated Idempotency-Key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** An ingest request sent with an Idempotency-Key: its sender, its key and what it asked. */
export interface IdempotentRequest {
  owner: string;
  key: string;
  /** SHA-256 of the request body as parsed (the same JSON, whatever its spacing). */
  hash: string;
}

/**
 * The request's key (null when it sent none). A key is 1–128 visible ASCII characters, sent once; anything else
 * is refused with 400 naming the header, before any work is done.
 */
export function idempotentRequestOf(principal: Principal, header: string | string[] | undefined, body: unknown): IdempotentRequest | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw DomainError.validation([{ field: IDEMPOTENCY_HEADER, reason: 'must be 1 to 128 visible ASCII characters, sent once' }]);
  }
  const hash = createHash('sha256').update(JSON.stringify(body) ?? '').digest('base64url');
  return { owner: `${principal.kind}:${principal.id}`, key: header, hash };
}

/** Another request with the same key committed first (its answer is the one to give). */
export class AnsweredBefore extends Error {
  constructor() {
    super('an ingest request with this Idempotency-Key was committed first');
  }
}

/** Answers to ingest requests sent with an Idempotency-Key (`ingest_requests`), kept INGEST_IDEMPOTENCY_HOURS. */
@Injectable()
export class IngestRequestsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(request: IdempotentRequest): Promise<{ hash: string; response: unknown } | null> {
    const [row] = await this.db.query(`SELECT request_hash AS hash, response FROM ingest_requests WHERE owner = $1 AND key = $2`, [
      request.owner,
      request.key,
    ]);
    return row ?? null;
  }

  /**
   * Records the answer in the transaction of the request's flows. When a concurrent request with the same key
   * holds it, the insert waits for that transaction; if it committed, this one throws {@link AnsweredBefore}
   * (the caller rolls back and gives the stored answer).
   */
  async record(client: PoolClient, request: IdempotentRequest, response: unknown): Promise<void> {
    const { rowCount } = await client.query(
      `INSERT INTO ingest_requests (owner, key, request_hash, response) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, key) DO NOTHING`,
      [request.owner, request.key, request.hash, JSON.stringify(response)],
    );
    if (rowCount === 0) throw new AnsweredBefore();
  }

  /** Deletes the answers older than `hours`; returns how many. */
  async prune(hours: number): Promise<number> {
    const rows: unknown[] = await this.db.query(`DELETE FROM ingest_requests WHERE created_at < now() - make_interval(hours => $1) RETURNING 1`, [hours]);
    return rows.length;
  }
}

/**
 * Runs an ingest request at most once per key: a retry (or a concurrent duplicate) gets the first answer, marked
 * `replayed`, and stores nothing; the same key with a different body is refused with 422.
 */
@Injectable()
export class IdempotentIngest {
  constructor(private readonly requests: IngestRequestsRepository) {}

  async run<T>(
    request: IdempotentRequest | null,
    ingest: (record?: (client: PoolClient, response: T) => Promise<void>) => Promise<T>,
  ): Promise<{ response: T; replayed: boolean }> {
    if (!request) return { response: await ingest(), replayed: false };
    const stored = await this.requests.find(request);
    if (stored) return this.replay(request, stored);
    try {
      return { response: await ingest((client, response) => this.requests.record(client, request, response)), replayed: false };
    } catch (e) {
      if (!(e instanceof AnsweredBefore)) throw e;
      const first = await this.requests.find(request);
      if (!first) throw e;
      return this.replay(request, first);
    }
  }

  private replay<T>(request: IdempotentRequest, stored: { hash: string; response: unknown }): { response: T; replayed: boolean } {
    if (stored.hash !== request.hash) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request', {
        details: [{ field: IDEMPOTENCY_HEADER, reason: 'was used with a different request body' }],
      });
    }
    return { response: stored.response as T, replayed: true };
  }
}
