import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { LIVE_STATUSES, NetworkActionEntity, NetworkActionStatus, NetworkActionType } from './network-action.entity';

export interface NewAction {
  actionType: NetworkActionType;
  target: string;
  family: number | null;
  port: number | null;
  protocol: string | null;
  reason: string;
  durationSeconds: number | null;
  escalationLevel: number;
  isAutomatic: boolean;
  alertId: string | null;
  createdBy: string | null;
}

export interface ActionFilter {
  liveOnly?: boolean;
  status?: NetworkActionStatus;
  type?: NetworkActionType;
  /** block_ip targets inside this canonical network. */
  insideCidr?: string;
  /** Exact target (`8080/tcp` for ports). */
  target?: string;
  alertId?: string;
  cursor?: string;
  limit: number;
}

/** A live action with the seconds it has left, measured on the database clock. */
export interface LiveAction {
  action: NetworkActionEntity;
  remainingSec: number | null;
}

const LIVE = `status IN ('pending', 'active')`;
const liveIn = (alias: string) => `${alias}.${LIVE}`;
/** The target as a network, for block_ip rows only (a CASE, so port targets are never cast). */
const targetNetwork = (alias: string) => `(CASE WHEN ${alias}.action_type = 'block_ip' THEN ${alias}.target::inet END)`;

/** Durations are applied on the database clock, the one the reconciler compares expiries with. */
const EXPIRY_FROM = (param: string) => `CASE WHEN ${param}::int IS NULL THEN NULL ELSE now() + make_interval(secs => ${param}::int) END`;

@Injectable()
export class NetworkActionsRepository {
  constructor(@InjectRepository(NetworkActionEntity) private readonly repo: Repository<NetworkActionEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  findById(id: string): Promise<NetworkActionEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByIds(m: EntityManager, ids: string[]): Promise<NetworkActionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.getRepository(NetworkActionEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  /** The live action of a target, row-locked until the transaction ends. */
  findLiveForUpdate(m: EntityManager, type: NetworkActionType, target: string): Promise<NetworkActionEntity | null> {
    return m
      .getRepository(NetworkActionEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where(`a.action_type = :type AND a.target = :target AND ${liveIn('a')}`, { type, target })
      .getOne();
  }

  /** Live actions of the target whose expiry has passed but that no job or pass has expired yet. */
  async findStaleLiveIds(type: NetworkActionType, target: string): Promise<string[]> {
    const rows: { id: string }[] = await this.repo.query(
      `SELECT id::text AS id FROM network_actions
        WHERE action_type = $1 AND target = $2 AND ${LIVE} AND expires_at <= now()`,
      [type, target],
    );
    return rows.map((r) => r.id);
  }

  /** Blocks of the target created within the lookback that took or were meant to take effect (not failed). */
  async countRecentBlocks(m: EntityManager, type: NetworkActionType, target: string, lookbackSeconds: number): Promise<number> {
    if (lookbackSeconds <= 0) return 0;
    const [row] = await m.query(
      `SELECT count(*)::int AS n FROM network_actions
        WHERE action_type = $1 AND target = $2 AND status <> 'failed'
          AND created_at >= now() - make_interval(secs => $3::int)`,
      [type, target, lookbackSeconds],
    );
    return row.n;
  }

  async insert(m: EntityManager, values: NewAction): Promise<NetworkActionEntity> {
    const [row] = await m.query(
      `INSERT INTO network_actions (action_type, target, family, port, protocol, reason, duration_seconds, escalation_level,
                                    is_automatic, alert_id, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${EXPIRY_FROM('$7')})
       RETURNING id::text AS id`,
      [
        values.actionType, values.target, values.family, values.port, values.protocol, values.reason, values.durationSeconds,
        values.escalationLevel, values.isAutomatic, values.alertId, values.createdBy,
      ],
    );
    return m.getRepository(NetworkActionEntity).findOneOrFail({ where: { id: row.id } });
  }

  /** Moves the expiry of a live timed block to now + `seconds` (null: permanent) when that is later. */
  async extend(m: EntityManager, id: string, seconds: number | null): Promise<boolean> {
    const [, affected] = await m.query(
      `UPDATE network_actions SET expires_at = ${EXPIRY_FROM('$2')}, duration_seconds = $2, updated_at = now()
        WHERE id = $1 AND ${LIVE} AND expires_at IS NOT NULL
          AND ($2::int IS NULL OR expires_at < ${EXPIRY_FROM('$2')})`,
      [id, seconds],
    );
    return affected > 0;
  }

  /** Every live, unexpired action with its remaining seconds: what the firewall must hold. */
  async findLiveForFirewall(): Promise<LiveAction[]> {
    const { entities, raw } = await this.repo
      .createQueryBuilder('a')
      .addSelect(`CASE WHEN a.expires_at IS NULL THEN NULL ELSE EXTRACT(EPOCH FROM a.expires_at - now())::float8 END`, 'remaining')
      .where(`${liveIn('a')} AND (a.expires_at IS NULL OR a.expires_at > now())`)
      .orderBy('a.id')
      .getRawAndEntities();
    return entities.map((action, i) => ({ action, remainingSec: raw[i].remaining === null ? null : Number(raw[i].remaining) }));
  }

  /** Those of `targets` whose block ended (expired, revoked, failed) within the last `withinSeconds`. */
  async findRecentlyEndedTargets(targets: string[], withinSeconds: number): Promise<Set<string>> {
    if (targets.length === 0) return new Set();
    const rows: { target: string }[] = await this.repo.query(
      `SELECT DISTINCT target FROM network_actions
        WHERE target = ANY($1::varchar[]) AND status IN ('expired', 'revoked', 'failed') AND ended_at > now() - make_interval(secs => $2)`,
      [targets, withinSeconds],
    );
    return new Set(rows.map((r) => r.target));
  }

  /** Applies `set` to the rows (all, or among `ids`) whose status is one of `from`; returns the ids changed. */
  private async transition(m: EntityManager, ids: string[] | null, from: readonly NetworkActionStatus[], set: string, extraWhere = '', params: unknown[] = []): Promise<string[]> {
    // TypeORM answers an UPDATE with [rows, affected count]
    const [rows]: [{ id: string }[], number] = await m.query(
      `UPDATE network_actions SET ${set}, updated_at = now()
        WHERE status = ANY($2::network_action_status[]) AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) ${extraWhere}
        RETURNING id::text AS id`,
      [ids, from, ...params],
    );
    return rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
  }

  /** Live actions (all, or among `ids`) whose expiry has passed → expired. */
  expireDue(m: EntityManager, ids: string[] | null): Promise<string[]> {
    return this.transition(m, ids, LIVE_STATUSES, `status = 'expired', ended_at = now()`, `AND expires_at <= now()`);
  }

  activate(m: EntityManager, ids: string[], driver: string): Promise<string[]> {
    return this.transition(m, ids, [NetworkActionStatus.PENDING], `status = 'active', applied_at = now(), attempts = attempts + 1, error = NULL, driver = $3`, '', [driver]);
  }

  revoke(m: EntityManager, ids: string[], revokedBy: string | null): Promise<string[]> {
    return this.transition(m, ids, LIVE_STATUSES, `status = 'revoked', ended_at = now(), revoked_by = $3`, '', [revokedBy]);
  }

  /** Pending actions (or, with `fromLive`, active ones too) → failed, with the error. */
  fail(m: EntityManager, ids: string[], error: string, fromLive = false): Promise<string[]> {
    const from = fromLive ? LIVE_STATUSES : [NetworkActionStatus.PENDING];
    return this.transition(m, ids, from, `status = 'failed', ended_at = now(), error = $3`, '', [error.slice(0, 2000)]);
  }

  /** A failed attempt to apply pending actions: counted, with the error; the status stays pending. */
  async recordFailedAttempt(ids: string[], error: string, countAttempt: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.repo.query(
      `UPDATE network_actions SET error = $2, attempts = attempts + $3::int, updated_at = now()
        WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
      [ids, error.slice(0, 2000), countAttempt ? 1 : 0],
    );
  }

  /** Row-locks the actions a bulk unblock names: the given ids (any status), or the live ones of a network or alert. */
  lockLive(m: EntityManager, selector: { ids: string[] } | { insideCidr: string } | { alertId: string }): Promise<NetworkActionEntity[]> {
    const qb = m.getRepository(NetworkActionEntity).createQueryBuilder('a').setLock('pessimistic_write').orderBy('a.id');
    if ('ids' in selector) return qb.where('a.id = ANY(CAST(:ids AS bigint[]))', { ids: selector.ids }).getMany();
    qb.where(liveIn('a'));
    if ('insideCidr' in selector) qb.andWhere(`${targetNetwork('a')} <<= CAST(:cidr AS inet)`, { cidr: selector.insideCidr });
    else qb.andWhere('a.alert_id = :alertId', { alertId: selector.alertId });
    return qb.getMany();
  }

  /** A page, newest first (`cursor`: the last id of the previous page); one extra row tells whether more follow. */
  page(f: ActionFilter): Promise<NetworkActionEntity[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(f.limit + 1);
    if (f.cursor) qb.andWhere('a.id < :cursor', { cursor: f.cursor });
    if (f.liveOnly) qb.andWhere(liveIn('a'));
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    if (f.type) qb.andWhere('a.action_type = :type', { type: f.type });
    if (f.target) qb.andWhere('a.target = :target', { target: f.target });
    if (f.insideCidr) qb.andWhere(`${targetNetwork('a')} <<= CAST(:cidr AS inet)`, { cidr: f.insideCidr });
    if (f.alertId) qb.andWhere('a.alert_id = :alertId', { alertId: f.alertId });
    return qb.getMany();
  }
}
