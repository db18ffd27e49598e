import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../common/auth/principal';
import { NetworkActionEntity } from './network-action.entity';
import { NetworkActionsRepository } from './network-actions.repository';
import { NetworkEventPublisher } from './network-event.publisher';
import { ActionOutcome, NetworkMetrics } from './network.metrics';

type Transition = (m: EntityManager) => Promise<string[]>;

/**
 * The transitions the system makes on its own (audited as `system`): a block took effect, expired, or could
 * not be applied. Each is one transaction; events follow the commit.
 */
@Injectable()
export class ActionLifecycle {
  constructor(
    private readonly actions: NetworkActionsRepository,
    private readonly audit: AuditService,
    private readonly publisher: NetworkEventPublisher,
    private readonly metrics: NetworkMetrics,
  ) {}

  /** Pending actions the firewall now holds → active. */
  async activate(ids: string[], driver: string): Promise<NetworkActionEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.apply((m) => this.actions.activate(m, ids, driver), 'network.block.apply', 'success', { status: 'pending' });
    this.count(rows, 'activated');
    this.publisher.blocked(rows);
    return rows;
  }

  /** Live actions past their expiry (all of them, or among `ids`) → expired. */
  async expireDue(ids: string[] | null = null): Promise<NetworkActionEntity[]> {
    if (ids !== null && ids.length === 0) return [];
    const rows = await this.apply((m) => this.actions.expireDue(m, ids), 'network.block.expire', 'success', { status: 'active' });
    this.count(rows, 'expired');
    this.publisher.expired(rows);
    return rows;
  }

  /** Pending actions that could not be applied (or, with `fromLive`, any live one that never can be) → failed. */
  async fail(ids: string[], error: string, fromLive = false): Promise<NetworkActionEntity[]> {
    if (ids.length === 0) return [];
    const before = { status: fromLive ? 'live' : 'pending' };
    const rows = await this.apply((m) => this.actions.fail(m, ids, error, fromLive), 'network.block.fail', 'failure', before, { error: error.slice(0, 500) });
    this.count(rows, 'failed');
    this.publisher.failed(rows);
    return rows;
  }

  private apply(
    transition: Transition,
    auditAction: string,
    outcome: 'success' | 'failure',
    before: Record<string, unknown>,
    details: Record<string, unknown> = {},
  ): Promise<NetworkActionEntity[]> {
    return this.actions.manager.transaction(async (m) => {
      const rows = await this.actions.findByIds(m, await transition(m));
      for (const a of rows) {
        await this.audit.record(
          SYSTEM_ACTOR,
          {
            action: auditAction,
            outcome,
            targetType: 'network_action',
            targetId: a.id,
            before,
            after: { status: a.status, target: a.target, driver: a.driver },
            details: { ...details, alert_id: a.alertId },
          },
          m,
        );
      }
      return rows;
    });
  }

  private count(rows: NetworkActionEntity[], outcome: ActionOutcome): void {
    for (const a of rows) this.metrics.action(a.actionType, outcome);
  }
}
