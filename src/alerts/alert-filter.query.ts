import { SelectQueryBuilder } from 'typeorm';
import { AlertEntity } from './alert.entity';
import { AlertFilter } from './alert-filter';

/** One value as an equality (so a composite index can also give the order), several as `= ANY(array)`. */
function oneOf(qb: SelectQueryBuilder<AlertEntity>, column: string, type: string, values: string[], name: string): void {
  if (values.length === 1) qb.andWhere(`${column} = CAST(:${name} AS ${type})`, { [name]: values[0] });
  else qb.andWhere(`${column} = ANY(CAST(:${name} AS ${type}[]))`, { [name]: values });
}

/**
 * Adds a filter's criteria to a query on `alerts` aliased `a`. Every value is a bound parameter; addresses use
 * `<<=` (contained in or equal), which PostgreSQL reads as a range of the B-tree indexes on src_ip / dst_ip.
 */
export function applyAlertFilter(qb: SelectQueryBuilder<AlertEntity>, f: AlertFilter): SelectQueryBuilder<AlertEntity> {
  if (f.statuses) oneOf(qb, 'a.status', 'alert_status', f.statuses, 'fStatuses');
  if (f.riskLevels) oneOf(qb, 'a.risk_level', 'risk_level', f.riskLevels, 'fRisks');
  if (f.attackTypes) oneOf(qb, 'a.attack_type', 'varchar', f.attackTypes, 'fTypes');
  // the GIN index ix_alerts_attack_ids holds this expression: tactic, technique and parent technique ids
  if (f.techniques) qb.andWhere('ids_alert_attack_ids(a.attack) && CAST(:fTechniques AS text[])', { fTechniques: f.techniques });
  if (f.tactics) qb.andWhere('ids_alert_attack_ids(a.attack) && CAST(:fTactics AS text[])', { fTactics: f.tactics });
  if (f.createdFrom) qb.andWhere('a.created_at >= :fFrom', { fFrom: f.createdFrom });
  if (f.createdBefore) qb.andWhere('a.created_at < :fBefore', { fBefore: f.createdBefore });
  if (f.srcCidr) qb.andWhere('a.src_ip <<= CAST(:fSrc AS inet)', { fSrc: f.srcCidr });
  if (f.dstCidr) qb.andWhere('a.dst_ip <<= CAST(:fDst AS inet)', { fDst: f.dstCidr });
  if (f.assignee?.kind === 'none') qb.andWhere('a.assignee_id IS NULL');
  if (f.assignee?.kind === 'user') qb.andWhere('a.assignee_id = :fAssignee', { fAssignee: f.assignee.id });
  if (f.modelVersion !== undefined) qb.andWhere('a.model_version = :fModel', { fModel: f.modelVersion });
  return qb;
}
