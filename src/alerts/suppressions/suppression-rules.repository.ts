import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { EntityManager, Repository } from 'typeorm';
import { SuppressionRuleEntity } from './suppression-rule.entity';

export type RuleFields = Pick<SuppressionRuleEntity, 'attackType' | 'srcCidr' | 'dstCidr' | 'dstPort' | 'reason' | 'expiresAt'>;
export type MatchFields = Pick<SuppressionRuleEntity, 'attackType' | 'srcCidr' | 'dstCidr' | 'dstPort'>;

export interface RuleHits {
  hits: number;
  lastHitAt: Date | null;
}

/** Suppressed verdicts of one batch: per rule and class, how many and the latest time. */
export interface HitCount {
  ruleId: string;
  attackType: string;
  hits: number;
  at: Date;
}

export interface PreviewClassRow {
  attack_type: string;
  flows: string;
  alerts: string;
}

export interface PreviewSampleRow {
  id: string;
  received_at: Date;
  attack_type: string;
  src_ip: string | null;
  dst_ip: string | null;
  dst_port: number | null;
  alert_id: string;
}

export interface SuppressedCountRow {
  rule_id: string;
  attack_type: string;
  hits: string;
  last_hit_at: Date;
}

/** The alerting flows of the window a rule's fields match ($1 class, $2 source, $3 destination, $4 port, $5 hours). */
const MATCHING_ALERT_FLOWS = `
  FROM flows f JOIN alerts a ON a.id = f.alert_id
 WHERE f.received_at >= now() - make_interval(hours => $5) AND f.alert_id IS NOT NULL
   AND ($1::text IS NULL OR a.attack_type = $1)
   AND ($2::cidr IS NULL OR f.src_ip <<= $2::cidr)
   AND ($3::cidr IS NULL OR f.dst_ip <<= $3::cidr)
   AND ($4::int IS NULL OR f.dst_port = $4)`;

/** Per rule, class and hour: the suppressed verdicts (one upsert per batch, rows in key order: no deadlock). */
const RECORD_HITS_SQL = `
  INSERT INTO suppression_hits AS h (rule_id, bucket, attack_type, hits, last_hit_at)
  SELECT r, date_trunc('hour', at), t, n, at FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::timestamptz[]) AS u(r, t, n, at)
   ORDER BY 1, 2, 3
  ON CONFLICT (rule_id, bucket, attack_type) DO UPDATE
    SET hits = h.hits + EXCLUDED.hits, last_hit_at = GREATEST(h.last_hit_at, EXCLUDED.last_hit_at)`;

@Injectable()
export class SuppressionRulesRepository {
  constructor(@InjectRepository(SuppressionRuleEntity) private readonly repo: Repository<SuppressionRuleEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  /** Every rule, newest first (expired ones too). */
  list(): Promise<SuppressionRuleEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** The rules not yet expired, oldest first (the order in which they are credited). */
  findInForce(): Promise<SuppressionRuleEntity[]> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.expires_at IS NULL OR r.expires_at > now()')
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
  }

  findById(id: string): Promise<SuppressionRuleEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  lockById(m: EntityManager, id: string): Promise<SuppressionRuleEntity | null> {
    return m.getRepository(SuppressionRuleEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(m: EntityManager, values: RuleFields & { createdBy: string | null }): Promise<SuppressionRuleEntity> {
    const repo = m.getRepository(SuppressionRuleEntity);
    const { identifiers } = await repo.insert(values);
    return repo.findOneOrFail({ where: { id: String(identifiers[0].id) } });
  }

  async update(m: EntityManager, id: string, values: RuleFields): Promise<SuppressionRuleEntity> {
    const repo = m.getRepository(SuppressionRuleEntity);
    await repo.update({ id }, { ...values, updatedAt: () => 'now()' } as never);
    return repo.findOneOrFail({ where: { id } });
  }

  /** Deletes the rule and its hit counts; flows keep the rule's id in `suppressed_by`. */
  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM suppression_hits WHERE rule_id = $1`, [id]);
    await m.getRepository(SuppressionRuleEntity).delete({ id });
  }

  /** A class alerts can carry: a model class of `attack_types` (not BENIGN), or one an alert already has. */
  async isKnownClass(name: string): Promise<boolean> {
    const [row] = await this.repo.query(
      `SELECT EXISTS (SELECT 1 FROM attack_types WHERE name = $1 AND is_attack)
           OR EXISTS (SELECT 1 FROM alerts WHERE attack_type = $1) AS known`,
      [name],
    );
    return Boolean(row?.known);
  }

  /** Total hits and the latest hit per rule. */
  async hitsOf(ids: string[]): Promise<Map<string, RuleHits>> {
    if (ids.length === 0) return new Map();
    const rows: { rule_id: string; hits: string; last_hit_at: Date }[] = await this.repo.query(
      `SELECT rule_id, sum(hits)::text AS hits, max(last_hit_at) AS last_hit_at FROM suppression_hits
        WHERE rule_id = ANY($1::uuid[]) GROUP BY rule_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.rule_id, { hits: Number(r.hits), lastHitAt: r.last_hit_at }]));
  }

  /** Adds a batch's suppressed verdicts, in the ingest transaction on `client`. */
  async recordHits(client: PoolClient, hits: HitCount[]): Promise<void> {
    if (hits.length === 0) return;
    await client.query({
      name: 'ingest_record_suppression_hits',
      text: RECORD_HITS_SQL,
      values: [hits.map((h) => h.ruleId), hits.map((h) => h.attackType), hits.map((h) => h.hits), hits.map((h) => h.at)],
    });
  }

  /** Suppressed verdicts per rule and class over the last `hours` (whole hours, the current one included). */
  suppressedSince(hours: number): Promise<SuppressedCountRow[]> {
    return this.repo.query(
      `SELECT rule_id, attack_type, sum(hits)::text AS hits, max(last_hit_at) AS last_hit_at FROM suppression_hits
        WHERE bucket >= date_trunc('hour', now()) - make_interval(hours => $1 - 1)
        GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
      [hours],
    );
  }

  /** Alerting flows of the last `hours` the fields match, per class (flows and distinct alerts). */
  previewByClass(f: MatchFields, hours: number): Promise<PreviewClassRow[]> {
    return this.repo.query(
      `SELECT a.attack_type, count(*)::text AS flows, count(DISTINCT f.alert_id)::text AS alerts ${MATCHING_ALERT_FLOWS}
        GROUP BY a.attack_type ORDER BY count(*) DESC, a.attack_type`,
      [f.attackType, f.srcCidr, f.dstCidr, f.dstPort, hours],
    );
  }

  /** The latest matching alerting flows (see {@link previewByClass}). */
  previewSamples(f: MatchFields, hours: number, limit: number): Promise<PreviewSampleRow[]> {
    return this.repo.query(
      `SELECT f.id::text AS id, f.received_at, a.attack_type, host(f.src_ip) AS src_ip, host(f.dst_ip) AS dst_ip,
              f.dst_port, f.alert_id::text AS alert_id ${MATCHING_ALERT_FLOWS}
        ORDER BY f.received_at DESC, f.id DESC LIMIT $6`,
      [f.attackType, f.srcCidr, f.dstCidr, f.dstPort, hours, limit],
    );
  }
}
