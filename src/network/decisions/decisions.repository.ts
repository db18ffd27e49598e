import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { BouncerDecisionEntity } from './bouncer-decision.entity';

export type DecisionScope = 'Ip' | 'Range';

/** An active IP or CIDR block seen as a decision, its time left measured on the database clock. */
export interface ActiveDecision {
  id: string;
  /** `ids-ai` for IDS-AI's own blocks, the feed's name for a blocklist feed's entries. */
  origin: string;
  scope: DecisionScope;
  value: string;
  scenario: string;
  until: Date | null;
  remainingMs: number | null;
}

/** A decision as it was sent to a bouncer; `refreshDue` for a permanent one sent more than a day ago. */
export interface SentDecision extends ActiveDecision {
  refreshDue: boolean;
}

export interface AddressFilter {
  /** Canonical address or CIDR. */
  target: string;
  /** true: decisions containing it; false: decisions inside it. */
  contains: boolean;
}

interface Row {
  id: string;
  origin: string;
  scope: DecisionScope;
  value: string;
  scenario: string;
  until: Date | null;
  remaining_ms: number | null;
  refresh_due?: boolean;
}

const fromRow = (r: Row): SentDecision => ({
  id: r.id,
  origin: r.origin,
  scope: r.scope,
  value: r.value,
  scenario: r.scenario,
  until: r.until,
  remainingMs: r.remaining_ms === null ? null : Number(r.remaining_ms),
  refreshDue: r.refresh_due === true,
});

/**
 * Decisions are the active block_ip actions whose expiry has not passed (the expiry job may not have run yet) and
 * the entries of enabled blocklist feeds (permanent, origin the feed's name; ids from the same sequence); port
 * blocks have no CrowdSec equivalent. Reads network_actions with the linked alert's class, and the feed tables.
 */
const ACTIVE = `
  SELECT d.id::text AS id, d.origin, d.value, d.scope, d.scenario, d.until, d.remaining_ms FROM (
    SELECT a.id, 'ids-ai'::text AS origin, a.target AS value,
           CASE WHEN position('/' in a.target) > 0 THEN 'Range' ELSE 'Ip' END AS scope,
           COALESCE(NULLIF(al.attack_type, ''), NULLIF(a.reason, ''), 'ids-ai block') AS scenario,
           a.expires_at AS until,
           (extract(epoch FROM a.expires_at - now()) * 1000)::float8 AS remaining_ms
      FROM network_actions a
      LEFT JOIN alerts al ON al.id = a.alert_id
     WHERE a.action_type = 'block_ip' AND a.status = 'active' AND (a.expires_at IS NULL OR a.expires_at > now())
    UNION ALL
    SELECT e.id, f.name::text, e.value,
           CASE WHEN position('/' in e.value) > 0 THEN 'Range' ELSE 'Ip' END,
           'feed:' || f.name, NULL::timestamptz, NULL::float8
      FROM blocklist_feed_entries e
      JOIN blocklist_feeds f ON f.id = e.feed_id
     WHERE f.enabled
  ) d`;

@Injectable()
export class DecisionsRepository {
  constructor(@InjectRepository(BouncerDecisionEntity) private readonly repo: Repository<BouncerDecisionEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  /** Active decisions, oldest first; with `address`, those containing it (or inside it). */
  async findActive(m: EntityManager = this.manager, address?: AddressFilter): Promise<ActiveDecision[]> {
    const where = address ? (address.contains ? ` WHERE d.value::inet >>= $1::inet` : ` WHERE d.value::inet <<= $1::inet`) : '';
    const rows: Row[] = await m.query(`${ACTIVE}${where} ORDER BY d.id`, address ? [address.target] : []);
    return rows.map(fromRow);
  }

  /** Serialises the pulls of one bouncer until the transaction ends (a bouncer retrying while a pull is slow). */
  async lockBouncer(m: EntityManager, bouncerId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('bouncer_decisions'), hashtext($1))`, [bouncerId]);
  }

  async findSent(m: EntityManager, bouncerId: string): Promise<SentDecision[]> {
    const rows: Row[] = await m.query(
      `SELECT decision_id::text AS id, origin, scope, value, scenario, until,
              (extract(epoch FROM until - now()) * 1000)::float8 AS remaining_ms,
              (until IS NULL AND sent_at < now() - interval '1 day') AS refresh_due
         FROM bouncer_decisions WHERE bouncer_id = $1 ORDER BY decision_id`,
      [bouncerId],
    );
    return rows.map(fromRow);
  }

  /** Records what was just sent: `sent` as new (inserted or refreshed), `deleted` gone. */
  async recordSent(m: EntityManager, bouncerId: string, sent: ActiveDecision[], deleted: string[]): Promise<void> {
    if (deleted.length > 0) {
      await m.query(`DELETE FROM bouncer_decisions WHERE bouncer_id = $1 AND decision_id = ANY($2::bigint[])`, [bouncerId, deleted]);
    }
    if (sent.length === 0) return;
    await m.query(
      `INSERT INTO bouncer_decisions (bouncer_id, decision_id, scope, value, scenario, until, origin, sent_at)
       SELECT $1, d.id, d.scope, d.value, d.scenario, d.until, d.origin, now()
         FROM unnest($2::bigint[], $3::varchar[], $4::varchar[], $5::text[], $6::timestamptz[], $7::varchar[])
              AS d(id, scope, value, scenario, until, origin)
       ON CONFLICT (bouncer_id, decision_id) DO UPDATE
         SET scope = excluded.scope, value = excluded.value, scenario = excluded.scenario, until = excluded.until,
             origin = excluded.origin, sent_at = now()`,
      [
        bouncerId,
        sent.map((d) => d.id),
        sent.map((d) => d.scope),
        sent.map((d) => d.value),
        sent.map((d) => d.scenario),
        sent.map((d) => d.until?.toISOString() ?? null),
        sent.map((d) => d.origin),
      ],
    );
  }
}
