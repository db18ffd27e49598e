import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { parseTarget } from '../../core/net';
import { actionAuditView } from '../dto/network-action.dto';
import { LIVE_STATUSES, NetworkActionEntity, NetworkActionStatus } from '../network-action.entity';
import { NetworkActionsRepository } from '../network-actions.repository';
import { NetworkEventPublisher } from '../network-event.publisher';
import { NetworkJobsService } from '../network-jobs.service';
import { NetworkMetrics } from '../network.metrics';

export interface BulkUnblockInput {
  ids?: string[];
  cidr?: string;
  alert_id?: string;
}

export interface SkippedAction {
  id: string;
  reason: 'not_found' | 'not_live';
  status: NetworkActionStatus | null;
}

export interface BulkUnblockResult {
  revoked: NetworkActionEntity[];
  skipped: SkippedAction[];
}

type Selector = { ids: string[] } | { insideCidr: string } | { alertId: string };

const isLive = (a: NetworkActionEntity) => LIVE_STATUSES.includes(a.status);

/** Lifts blocks: live → revoked in one transaction (audited), then events and one firewall job. */
@Injectable()
export class UnblockUseCase {
  constructor(
    private readonly actions: NetworkActionsRepository,
    private readonly audit: AuditService,
    private readonly publisher: NetworkEventPublisher,
    private readonly jobs: NetworkJobsService,
    private readonly metrics: NetworkMetrics,
  ) {}

  /** Revokes one block; revoking a revoked block again returns it unchanged. */
  async unblockOne(actor: ActorContext, id: string): Promise<NetworkActionEntity> {
    const { action, revoked } = await this.actions.manager.transaction(async (m) => {
      const [found] = await this.actions.lockLive(m, { ids: [id] });
      if (!found) throw DomainError.notFound('Network action', id);
      if (found.status === NetworkActionStatus.REVOKED) return { action: found, revoked: false };
      if (!isLive(found)) {
        throw new DomainError(ErrorCode.INVALID_TRANSITION, `Network action ${id} is ${found.status}: there is nothing to unblock`);
      }
      const [after] = await this.revoke(m, actor, [found], {});
      return { action: after, revoked: true };
    });
    if (revoked) await this.afterCommit([action]);
    return action;
  }

  async unblockMany(actor: ActorContext, input: BulkUnblockInput): Promise<BulkUnblockResult> {
    const selector = this.selector(input);
    const result = await this.actions.manager.transaction(async (m) => {
      const rows = await this.actions.lockLive(m, selector);
      const skipped: SkippedAction[] = rows.filter((r) => !isLive(r)).map((r) => ({ id: r.id, reason: 'not_live', status: r.status }));
      if ('ids' in selector) {
        const found = new Set(rows.map((r) => r.id));
        for (const id of new Set(selector.ids)) if (!found.has(id)) skipped.push({ id, reason: 'not_found', status: null });
      }
      const revoked = await this.revoke(m, actor, rows.filter(isLive), { bulk: Object.keys(selector)[0] });
      return { revoked, skipped };
    });
    await this.afterCommit(result.revoked);
    return result;
  }

  /** Exactly one of ids, cidr or alert_id; a cidr is parsed strictly (400 naming `cidr`). */
  private selector(input: BulkUnblockInput): Selector {
    const given = (['ids', 'cidr', 'alert_id'] as const).filter((k) => input[k] !== undefined);
    if (given.length !== 1) {
      throw DomainError.validation([{ field: given[1] ?? 'ids', reason: 'give exactly one of ids, cidr or alert_id' }]);
    }
    if (input.ids) return { ids: input.ids };
    if (input.cidr !== undefined) return { insideCidr: parseTarget(input.cidr, 'cidr').canonical };
    return { alertId: input.alert_id! };
  }

  private async revoke(m: EntityManager, actor: ActorContext, rows: NetworkActionEntity[], details: Record<string, unknown>): Promise<NetworkActionEntity[]> {
    if (rows.length === 0) return [];
    const revokedBy = actor.principal?.kind === 'user' ? actor.principal.id : null;
    const after = await this.actions.findByIds(m, await this.actions.revoke(m, rows.map((r) => r.id), revokedBy));
    const before = new Map(rows.map((r) => [r.id, r]));
    for (const a of after) {
      await this.audit.record(actor, {
        action: 'network.unblock',
        targetType: 'network_action',
        targetId: a.id,
        before: actionAuditView(before.get(a.id)!),
        after: actionAuditView(a),
        details,
      }, m);
    }
    return after;
  }

  private async afterCommit(revoked: NetworkActionEntity[]): Promise<void> {
    if (revoked.length === 0) return;
    for (const a of revoked) this.metrics.action(a.actionType, 'revoked');
    this.publisher.revoked(revoked);
    await this.jobs.removed(revoked.map((a) => a.id));
  }
}
