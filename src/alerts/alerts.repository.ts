import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { AlertCursor, AlertSort, SortOrder } from './alert-cursor';
import { AlertRow, alertOf, alertRowSelect } from './alert-row';
import { AlertEntity, AlertStatus, RiskLevel } from './alert.entity';
import { AlertFilter } from './alert-filter';
import { applyAlertFilter } from './alert-filter.query';
import { ResolutionFields } from './alert-workflow';
import { riskRank } from './risk-level';

/** An alert of a list page with the sort key it was ordered by (as text, exactly as stored). */
export interface KeyedAlert {
  alert: AlertEntity;
  keys: string[];
}

export interface AlertListRequest {
  sort: AlertSort;
  order: SortOrder;
  /** Rows to read (a page plus one, to know whether another page follows). */
  take: number;
  after?: AlertCursor;
}

interface SortSpec {
  column: string;
  /** The same order as an expression no index provides (see {@link AlertsRepository.addressFilterIsNarrow}). */
  unindexed: string;
  type: string;
  /** The key as text: microsecond timestamps in UTC, reals in their shortest exact form. */
  text: string;
}

const timestampText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CREATED: SortSpec = { column: 'a.created_at', unindexed: "(a.created_at + interval '0 s')", type: 'timestamptz', text: timestampText('a.created_at') };
const SORT_SPECS: Record<Exclude<AlertSort, AlertSort.RISK_LEVEL>, SortSpec> = {
  [AlertSort.CREATED_AT]: CREATED,
  [AlertSort.LAST_SEEN]: { column: 'a.last_seen', unindexed: "(a.last_seen + interval '0 s')", type: 'timestamptz', text: timestampText('a.last_seen') },
  [AlertSort.CONFIDENCE]: { column: 'a.confidence', unindexed: '(a.confidence + 0)', type: 'real', text: 'a.confidence::text' },
};
const PAGE_SELECT = alertRowSelect('a');

type PageRow = AlertRow & { sort_key: string };

const RISK_ASCENDING = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL];
/** Address filters the planner expects to match fewer alerts than this are read through the address indexes. */
const NARROW_ADDRESS_MATCHES = 20_000;
const NARROW_ESTIMATE_TTL_MS = 60_000;

interface SegmentRequest {
  spec: SortSpec;
  order: SortOrder;
  take: number;
  after?: { key: string; id: string };
  riskLevel?: RiskLevel;
  /** Order by {@link SortSpec.unindexed}: the address filter is narrow. */
  byAddress: boolean;
}

@Injectable()
export class AlertsRepository {
  /** Recent planner estimates of address filters: narrow or not, by filter. */
  private readonly narrowAddresses = new Map<string, { narrow: boolean; at: number }>();

  constructor(@InjectRepository(AlertEntity) private readonly repo: Repository<AlertEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<AlertEntity | null> {
    return manager.getRepository(AlertEntity).findOne({ where: { id } });
  }

  /**
   * Keyset pagination over (sort key, id): each page is an index range scan, however deep. Sorting by risk reads
   * one risk level after the other, each ordered by (created_at, id), so it rides the (risk_level, created_at)
   * index instead of sorting the table.
   */
  async list(filter: AlertFilter, req: AlertListRequest): Promise<KeyedAlert[]> {
    const byAddress = await this.addressFilterIsNarrow(filter);
    if (req.sort === AlertSort.RISK_LEVEL) return this.listByRisk(filter, req, byAddress);
    const after = req.after ? { key: req.after.keys[0], id: req.after.id } : undefined;
    const rows = await this.segment(filter, { spec: SORT_SPECS[req.sort], order: req.order, take: req.take, after, byAddress });
    return rows.map(({ alert, key }) => ({ alert, keys: [key] }));
  }

  /**
   * Whether the page should be read through the address indexes and sorted, rather than by walking the
   * sort order's index and filtering. The planner prefers the walk whenever few rows match, expecting matches
   * spread evenly over time; but alerts of one subnet come in bursts, and a walk can read tens of thousands of
   * rows before it finds a page. Reading the matches and sorting them is cheap while they are few, so the
   * planner's estimate of their number (EXPLAIN, no execution) decides.
   */
  private async addressFilterIsNarrow(filter: AlertFilter): Promise<boolean> {
    if (!filter.srcCidr && !filter.dstCidr) return false;
    const cacheKey = `${filter.srcCidr ?? ''} ${filter.dstCidr ?? ''}`;
    const cached = this.narrowAddresses.get(cacheKey);
    if (cached && Date.now() - cached.at < NARROW_ESTIMATE_TTL_MS) return cached.narrow;
    const where: string[] = [];
    const params: string[] = [];
    if (filter.srcCidr) where.push(`a.src_ip <<= CAST($${params.push(filter.srcCidr)} AS inet)`);
    if (filter.dstCidr) where.push(`a.dst_ip <<= CAST($${params.push(filter.dstCidr)} AS inet)`);
    const [row] = await this.repo.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM alerts a WHERE ${where.join(' AND ')}`, params);
    const narrow = (row['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[])[0].Plan['Plan Rows'] < NARROW_ADDRESS_MATCHES;
    // dashboards poll the same few filters; the estimate moves with ANALYZE, not request by request
    if (this.narrowAddresses.size >= 1000) this.narrowAddresses.clear();
    this.narrowAddresses.set(cacheKey, { narrow, at: Date.now() });
    return narrow;
  }

  private async listByRisk(filter: AlertFilter, req: AlertListRequest, byAddress: boolean): Promise<KeyedAlert[]> {
    const levels = req.order === 'asc' ? RISK_ASCENDING : [...RISK_ASCENDING].reverse();
    const cursorRank = req.after ? riskRank(req.after.keys[0] as RiskLevel) : undefined;
    const out: KeyedAlert[] = [];
    for (const level of levels) {
      const rank = riskRank(level);
      const passed = cursorRank !== undefined && (req.order === 'asc' ? rank < cursorRank : rank > cursorRank);
      if (out.length >= req.take || passed || (filter.riskLevels && !filter.riskLevels.includes(level))) continue;
      const after = req.after && rank === cursorRank ? { key: req.after.keys[1], id: req.after.id } : undefined;
      const rows = await this.segment(filter, { spec: CREATED, order: req.order, take: req.take - out.length, after, riskLevel: level, byAddress });
      out.push(...rows.map(({ alert, key }) => ({ alert, keys: [level, key] })));
    }
    return out;
  }

  private async segment(filter: AlertFilter, req: SegmentRequest): Promise<{ alert: AlertEntity; key: string }[]> {
    const dir = req.order === 'asc' ? 'ASC' : 'DESC';
    const page = (qb: SelectQueryBuilder<AlertEntity>, orderBy: string) => qb.orderBy(orderBy, dir).addOrderBy('a.id', dir).limit(req.take);
    const matching = () => {
      const qb = applyAlertFilter(this.repo.createQueryBuilder('a'), filter);
      if (req.riskLevel) qb.andWhere('a.risk_level = CAST(:segmentRisk AS risk_level)', { segmentRisk: req.riskLevel });
      if (req.after) {
        const cmp = req.order === 'asc' ? '>' : '<';
        qb.andWhere(`(${req.spec.column}, a.id) ${cmp} (CAST(:afterKey AS ${req.spec.type}), CAST(:afterId AS bigint))`, {
          afterKey: req.after.key,
          afterId: req.after.id,
        });
      }
      return qb;
    };
    let qb: SelectQueryBuilder<AlertEntity>;
    if (req.byAddress) {
      // the page's ids from the matches, sorted (narrow rows), then those rows
      const ids = page(matching().select('a.id'), req.spec.unindexed);
      qb = this.repo.createQueryBuilder('a').where(`a.id IN (${ids.getQuery()})`).setParameters(ids.getParameters());
    } else {
      qb = matching();
    }
    page(qb.select(PAGE_SELECT).addSelect(req.spec.text, 'sort_key'), req.spec.column);
    const rows = await qb.getRawMany<PageRow>();
    return rows.map((r) => ({ alert: alertOf(r), key: r.sort_key }));
  }

  /** Locks one alert for the rest of `m`'s transaction (SELECT … FOR UPDATE). */
  lockById(m: EntityManager, id: string): Promise<AlertEntity | null> {
    return m.getRepository(AlertEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks the alerts that exist among `ids`, in id order (a fixed order: concurrent bulk changes cannot deadlock). */
  lockByIds(m: EntityManager, ids: string[]): Promise<AlertEntity[]> {
    return m
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where('a.id = ANY(CAST(:ids AS bigint[]))', { ids })
      .orderBy('a.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Locks up to `take` alerts matching the filter, lowest ids first. */
  lockMatching(m: EntityManager, filter: AlertFilter, take: number): Promise<AlertEntity[]> {
    const qb = applyAlertFilter(m.getRepository(AlertEntity).createQueryBuilder('a'), filter);
    return qb.orderBy('a.id', 'ASC').limit(take).setLock('pessimistic_write').getMany();
  }

  findByIds(m: EntityManager, ids: string[]): Promise<AlertEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.getRepository(AlertEntity).createQueryBuilder('a').where('a.id = ANY(CAST(:ids AS bigint[]))', { ids }).orderBy('a.id', 'ASC').getMany();
  }

  async setStatus(m: EntityManager, ids: string[], status: AlertStatus, fields: ResolutionFields): Promise<void> {
    await m
      .createQueryBuilder()
      .update(AlertEntity)
      .set({
        status,
        resolutionReason: fields.resolutionReason,
        resolvedBy: fields.resolvedBy,
        resolvedAt: fields.resolved ? () => 'now()' : null,
        feedbackLabel: fields.feedbackLabel,
        updatedAt: () => 'now()',
      })
      .where('id = ANY(CAST(:ids AS bigint[]))', { ids })
      .execute();
  }

  async setAssignee(m: EntityManager, ids: string[], assigneeId: string | null): Promise<void> {
    await m
      .createQueryBuilder()
      .update(AlertEntity)
      .set({ assigneeId, updatedAt: () => 'now()' })
      .where('id = ANY(CAST(:ids AS bigint[]))', { ids })
      .execute();
  }

  async touch(m: EntityManager, id: string): Promise<void> {
    await m.createQueryBuilder().update(AlertEntity).set({ updatedAt: () => 'now()' }).where('id = :id', { id }).execute();
  }
}
