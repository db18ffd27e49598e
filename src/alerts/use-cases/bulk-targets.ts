import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ActorContext } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { AlertEntity } from '../alert.entity';
import { AlertFilter, isEmptyFilter, toAlertFilter } from '../alert-filter';
import { AlertsRepository } from '../alerts.repository';
import { BULK_MAX_FILTERED, BulkFailureDto, BulkTargetsDto } from '../dto/alert-bulk.dto';

export type BulkSelection = { kind: 'ids'; ids: string[] } | { kind: 'filter'; filter: AlertFilter };

export interface LockedTargets {
  alerts: AlertEntity[];
  /** Failures known before any change: ids that name no alert. */
  failed: BulkFailureDto[];
  truncated: boolean;
  matched: number;
}

/** `ids` or a non-empty `filter`, exactly one (a 400 naming the field otherwise). */
export function toBulkSelection(dto: BulkTargetsDto, actor: ActorContext): BulkSelection {
  if (dto.ids && dto.filter) throw DomainError.validation([{ field: 'ids', reason: 'give either ids or filter, not both' }]);
  if (dto.ids) return { kind: 'ids', ids: [...new Set(dto.ids)] };
  if (!dto.filter) throw DomainError.validation([{ field: 'ids', reason: 'give ids or filter' }]);
  const filter = toAlertFilter(dto.filter, actor);
  if (isEmptyFilter(filter)) throw DomainError.validation([{ field: 'filter', reason: 'must hold at least one criterion' }]);
  return { kind: 'filter', filter };
}

/** Locks the alerts a bulk request selects, in id order, inside the caller's transaction. */
@Injectable()
export class BulkTargets {
  constructor(private readonly alerts: AlertsRepository) {}

  async lock(m: EntityManager, selection: BulkSelection): Promise<LockedTargets> {
    if (selection.kind === 'filter') {
      const rows = await this.alerts.lockMatching(m, selection.filter, BULK_MAX_FILTERED + 1);
      const alerts = rows.slice(0, BULK_MAX_FILTERED);
      return { alerts, failed: [], truncated: rows.length > BULK_MAX_FILTERED, matched: alerts.length };
    }
    const alerts = await this.alerts.lockByIds(m, selection.ids);
    const found = new Set(alerts.map((a) => a.id));
    const failed = selection.ids
      .filter((id) => !found.has(id))
      .map((id) => ({ id, error: ErrorCode.NOT_FOUND, reason: `Alert ${id} not found` }));
    return { alerts, failed, truncated: false, matched: selection.ids.length };
  }
}
