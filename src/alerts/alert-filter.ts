import { ActorContext } from '../common/auth/principal';
import { DomainError } from '../core/domain-error';
import { parseTarget } from '../core/net';
import { AlertStatus, RiskLevel } from './alert.entity';
import { AlertFilterDto, TimeRange } from './dto/alert-filter.dto';

export type AssigneeFilter = { kind: 'none' } | { kind: 'user'; id: string };

/** Which alerts, resolved: every criterion given must hold. Addresses are canonical (the strict parser's). */
export interface AlertFilter {
  statuses?: AlertStatus[];
  riskLevels?: RiskLevel[];
  attackTypes?: string[];
  /** MITRE ATT&CK technique ids (a technique also matches its sub-techniques) and tactic ids. */
  techniques?: string[];
  tactics?: string[];
  createdFrom?: Date;
  createdBefore?: Date;
  srcCidr?: string;
  dstCidr?: string;
  assignee?: AssigneeFilter;
  modelVersion?: string;
}

const RANGE_MS: Record<TimeRange, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

const unique = <T>(values: T[] | undefined): T[] | undefined => (values ? [...new Set(values)] : undefined);

function timeWindow(dto: AlertFilterDto, now: Date): Pick<AlertFilter, 'createdFrom' | 'createdBefore'> {
  if (dto.range && (dto.from || dto.to)) {
    throw DomainError.validation([{ field: 'range', reason: 'give either range or from/to, not both' }]);
  }
  const from = dto.range ? new Date(now.getTime() - RANGE_MS[dto.range]) : dto.from ? new Date(dto.from) : undefined;
  const to = dto.to ? new Date(dto.to) : undefined;
  if (from && to && from.getTime() >= to.getTime()) throw DomainError.validation([{ field: 'from', reason: 'must be before to' }]);
  return { createdFrom: from, createdBefore: to };
}

function assigneeOf(value: string | undefined, actor: ActorContext): AssigneeFilter | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return { kind: 'none' };
  if (value !== 'me') return { kind: 'user', id: value };
  if (actor.principal?.kind !== 'user') {
    throw DomainError.validation([{ field: 'assignee', reason: '`me` needs a signed-in user' }]);
  }
  return { kind: 'user', id: actor.principal.id };
}

/** The filter a validated DTO stands for: `range` from `now`, `me` as the caller, addresses canonical. */
export function toAlertFilter(dto: AlertFilterDto, actor: ActorContext, now = new Date()): AlertFilter {
  return {
    statuses: unique(dto.status),
    riskLevels: unique(dto.severity),
    attackTypes: unique(dto.attack_type),
    techniques: unique(dto.technique),
    tactics: unique(dto.tactic),
    ...timeWindow(dto, now),
    srcCidr: dto.src_ip === undefined ? undefined : parseTarget(dto.src_ip, 'src_ip').canonical,
    dstCidr: dto.dst_ip === undefined ? undefined : parseTarget(dto.dst_ip, 'dst_ip').canonical,
    assignee: assigneeOf(dto.assignee, actor),
    modelVersion: dto.model_version,
  };
}

/** True when no criterion is set (a bulk operation refuses that: it would touch every alert). */
export function isEmptyFilter(filter: AlertFilter): boolean {
  return Object.values(filter).every((v) => v === undefined);
}
