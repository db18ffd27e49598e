import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ActorContext, actorTypeOf } from '../common/auth/principal';
import { AuditLogEntity } from './audit-log.entity';
import { AuditQueryDto } from './dto/audit-query.dto';

export interface AuditRecord {
  action: string;
  outcome?: 'success' | 'failure' | 'denied';
  targetType?: string;
  targetId?: string | number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  details?: Record<string, unknown>;
  /** Overrides the actor's label (e.g. the login name of a failed login with no principal). */
  actorLabel?: string;
}

/** Appends to the audit log. Rows are never changed (a database trigger refuses UPDATE and DELETE). */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditLogEntity) private readonly repo: Repository<AuditLogEntity>) {}

  /** Records inside `manager`'s transaction when given, so the audit row commits with the change it describes. */
  async record(actor: ActorContext, record: AuditRecord, manager?: EntityManager): Promise<void> {
    const p = actor.principal;
    const row: Partial<AuditLogEntity> = {
      actorType: actorTypeOf(p),
      actorId: p?.id ?? null,
      actorLabel: record.actorLabel ?? (p ? (p.kind === 'user' ? p.email : `${p.name} (${p.prefix})`) : null),
      action: record.action,
      outcome: record.outcome ?? 'success',
      targetType: record.targetType ?? null,
      targetId: record.targetId === undefined || record.targetId === null ? null : String(record.targetId),
      sourceIp: actor.ip,
      correlationId: actor.correlationId,
      before: record.before ?? null,
      after: record.after ?? null,
      details: record.details ?? {},
    };
    await (manager ? manager.getRepository(AuditLogEntity) : this.repo).insert(row as never);
    this.logger.log({ audit: { action: row.action, outcome: row.outcome, target: row.targetId } }, 'audit');
  }

  async query(q: AuditQueryDto): Promise<AuditLogEntity[]> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(q.limit + 1);
    if (q.cursor) qb.andWhere('a.id < :cursor', { cursor: q.cursor });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.actor_id) qb.andWhere('a.actor_id = :actorId', { actorId: q.actor_id });
    if (q.target_type) qb.andWhere('a.target_type = :targetType', { targetType: q.target_type });
    if (q.target_id) qb.andWhere('a.target_id = :targetId', { targetId: q.target_id });
    if (q.outcome) qb.andWhere('a.outcome = :outcome', { outcome: q.outcome });
    if (q.from) qb.andWhere('a.created_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.created_at < :to', { to: q.to });
    return qb.getMany();
  }
}
